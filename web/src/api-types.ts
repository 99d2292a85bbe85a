/* eslint-disable */
/**
 * Generated from the server's OpenAPI document by scripts/api-types.ts
 * (openapi-typescript). Do not edit: run `npm run api-types` after changing a route's schema.
 */

export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "ok" | "unavailable";
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "ok" | "unavailable";
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/setup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            open: boolean;
                        };
                    };
                };
            };
        };
        put?: never;
        /** First-run setup: the first workspace and its owner, with the one-time token */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        token: string;
                        workspaceName: string;
                        slug: string;
                        ownerEmail: string;
                        ownerPassword: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            workspaceId: string;
                            /** Format: uuid */
                            ownerUserId: string;
                            slug: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            email: string;
                            /** @enum {string} */
                            role: "owner" | "admin" | "dpo" | "sales" | "support" | "auditor";
                            /** Format: uuid */
                            workspaceId: string;
                            workspaceSlug: string;
                            totpEnrolled: boolean;
                            mustEnrol: boolean;
                            permissions: string[];
                            csrfToken: string;
                            permissionMatrix: {
                                permissions: ("contacts:read" | "contacts:write" | "contacts:delete" | "contacts:export" | "special_category:read" | "audit:read" | "compliance:read" | "compliance:manage" | "workspace:manage" | "members:manage" | "tokens:manage")[];
                                roles: {
                                    /** @enum {string} */
                                    role: "owner" | "admin" | "dpo" | "sales" | "support" | "auditor";
                                    summary: string;
                                    permissions: ("contacts:read" | "contacts:write" | "contacts:delete" | "contacts:export" | "special_category:read" | "audit:read" | "compliance:read" | "compliance:manage" | "workspace:manage" | "members:manage" | "tokens:manage")[];
                                }[];
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/sign-in": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        workspace: string;
                        email: string;
                        password: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            user: {
                                /** Format: uuid */
                                id: string;
                                email: string;
                                /** @enum {string} */
                                role: "owner" | "admin" | "dpo" | "sales" | "support" | "auditor";
                            };
                            csrfToken: string;
                            /** @enum {string|null} */
                            next: "totp" | "totp_enrolment" | null;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/sign-out": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                clientLabel: string | null;
                                createdAt: string;
                                lastSeenAt: string;
                                expiresAt: string;
                                current: boolean;
                            }[];
                            /** @enum {string|null} */
                            nextCursor: null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Sign out everywhere */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/sessions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        currentPassword: string;
                        newPassword: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            csrfToken: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/password-reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        workspace: string;
                        email: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "accepted";
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/password-reset/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        token: string;
                        password: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/totp/enrolment": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start TOTP enrolment */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        password?: string;
                        code?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            otpauthUri: string;
                            secret: string;
                            qrSvg: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/totp/enrolment/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Confirm TOTP enrolment with a code; answers the recovery codes once */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        code: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            csrfToken: string;
                            recoveryCodes: string[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/totp": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The two-factor challenge: a TOTP code or a recovery code */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        code?: string;
                        recoveryCode?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            csrfToken: string;
                            /** @enum {string|null} */
                            next: null;
                            recoveryCodesLeft: number | null;
                        };
                    };
                };
            };
        };
        /** Turn TOTP off (password and a current code) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        password?: string;
                        code?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/members/{id}/totp-reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reset a member's 2FA (they enrol again; their sessions end, their tokens are revoked). Owners: anyone else's; admins: sales, support, auditor; never a token */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            memberId: string;
                            sessionsEnded: number;
                            tokensRevoked: number;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The workspace members */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                email: string;
                                /** @enum {string} */
                                role: "owner" | "admin" | "dpo" | "sales" | "support" | "auditor";
                                totpEnrolled: boolean;
                                lastSeenAt: string | null;
                                canResetTotp: boolean;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/members/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a member */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a member's role (ends their sessions and revokes the tokens they made) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        role: "owner" | "admin" | "dpo" | "sales" | "support" | "auditor";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            email: string;
                            /** @enum {string} */
                            role: "owner" | "admin" | "dpo" | "sales" | "support" | "auditor";
                            totpEnrolled: boolean;
                            lastSeenAt: string | null;
                            canResetTotp: boolean;
                            csrfToken?: string;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/invitations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Invite someone by email (a single-use link valid 7 days) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        email: string;
                        /** @enum {string} */
                        role: "owner" | "admin" | "dpo" | "sales" | "support" | "auditor";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            email: string;
                            /** @enum {string} */
                            role: "owner" | "admin" | "dpo" | "sales" | "support" | "auditor";
                            expiresAt: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/invitations/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Accept an invitation: choose a password; the member is created (not signed in) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        token: string;
                        password: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            workspace: string;
                            email: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** API tokens: your own, or all with tokens:manage (newest first, at most 500) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                scopes: string[];
                                createdBy: string | "operator";
                                createdAt: string;
                                expiresAt: string;
                                lastUsedAt: string | null;
                                revokedAt: string | null;
                            }[];
                            /** @enum {string|null} */
                            nextCursor: null;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Make an API token for yourself (shown once) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        scopes: string[];
                        /** Format: date-time */
                        expiresAt?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            token: string;
                            name: string;
                            scopes: string[];
                            expiresAt: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke a token: its very next request gets 401 */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspace": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Workspace settings */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            name: string;
                            slug: string;
                            region: string | null;
                            dpoName: string | null;
                            dpoEmail: string | null;
                            require2faForAll: boolean;
                            readBudgetPerHour: number;
                            recordVisibility: {
                                /** @enum {string} */
                                sales: "all" | "own";
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change workspace settings */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string;
                        slug?: string;
                        region?: string | null;
                        dpoName?: string | null;
                        dpoEmail?: string | null;
                        require2faForAll?: boolean;
                        readBudgetPerHour?: number;
                        recordVisibility?: {
                            /** @enum {string} */
                            sales: "all" | "own";
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            name: string;
                            slug: string;
                            region: string | null;
                            dpoName: string | null;
                            dpoEmail: string | null;
                            require2faForAll: boolean;
                            readBudgetPerHour: number;
                            recordVisibility: {
                                /** @enum {string} */
                                sales: "all" | "own";
                            };
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/workspace/close": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start closing the workspace: every sign-in, session and token is refused from now on */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        confirm: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "closing";
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Audit events, newest first */
        get: {
            parameters: {
                query?: {
                    actorId?: string;
                    subjectId?: string;
                    action?: string;
                    from?: string;
                    to?: string;
                    cursor?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                seq: number | null;
                                at: string;
                                action: string;
                                /** Format: uuid */
                                actorId: string | null;
                                actorType: string;
                                subjectIds: string[];
                                purpose: string | null;
                                details: {
                                    [key: string]: unknown;
                                };
                                requestId: string | null;
                                hash: string | null;
                                prevHash: string | null;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit-events/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Recomputes the caller's workspace chain and checks its signed checkpoints */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            intact: boolean;
                            checked: number;
                            unchained: number;
                            oldestUnchainedAt: string | null;
                            headSeq: number | null;
                            firstBrokenSeq?: number;
                            lastCheckpointSeq: number | null;
                            reasons: string[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit-events/export.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The filtered audit trail as CSV (audited as audit.exported) */
        get: {
            parameters: {
                query?: {
                    actorId?: string;
                    subjectId?: string;
                    action?: string;
                    from?: string;
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** My notifications, newest first */
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                kind: string;
                                payload: {
                                    [key: string]: (string | number | boolean) | null;
                                };
                                createdAt: string;
                                readAt: string | null;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/notifications/{id}/read": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mark a notification read */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/contacts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List or search contacts (q: word prefixes; email: exact; segmentId: its members; companyId: its people) */
        get: {
            parameters: {
                query?: {
                    q?: string;
                    email?: string;
                    tag?: string;
                    segmentId?: string;
                    companyId?: string;
                    limit?: number;
                    cursor?: string;
                    sort?: "createdAt" | "updatedAt" | "ownerId" | "lastName" | "firstName" | "email" | "-createdAt" | "-updatedAt" | "-ownerId" | "-lastName" | "-firstName" | "-email";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                firstName: string;
                                lastName: string;
                                emails: {
                                    address: string;
                                    primary: boolean;
                                }[];
                                phones: {
                                    number: string;
                                }[];
                                jobTitle: string | null;
                                seniority: string | null;
                                /** Format: uuid */
                                companyId: string | null;
                                /** Format: uuid */
                                ownerId: string | null;
                                address: {
                                    street?: string | null;
                                    postalCode?: string | null;
                                    city?: string | null;
                                    region?: string | null;
                                    country?: string | null;
                                } | null;
                                bio: string | null;
                                website: string | null;
                                linkedinUrl: string | null;
                                country: string | null;
                                city: string | null;
                                ip: string | null;
                                tags: string[];
                                customFields: {
                                    [key: string]: unknown;
                                };
                                /** @enum {string} */
                                lawfulBasis: "consent" | "contract" | "legal_obligation" | "vital_interests" | "public_task" | "legitimate_interests";
                                source: string;
                                recordVersion: number;
                                createdAt: string;
                                updatedAt: string;
                                /** Format: uuid */
                                createdBy: string | null;
                            }[];
                            nextCursor: string | null;
                            total?: number;
                            totalIsLowerBound?: boolean;
                            totalIsEstimate?: boolean;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a contact (409 /duplicate-contact when its email, then its phone, is known; honours Idempotency-Key) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @default  */
                        firstName?: string;
                        /** @default  */
                        lastName?: string;
                        /** @default [] */
                        emails?: {
                            address: string;
                            primary?: boolean;
                        }[];
                        phones?: {
                            number: string;
                        }[];
                        jobTitle?: string | null;
                        seniority?: string | null;
                        /** Format: uuid */
                        companyId?: string | null;
                        /** Format: uuid */
                        ownerId?: string | null;
                        address?: {
                            street?: string | null;
                            postalCode?: string | null;
                            city?: string | null;
                            region?: string | null;
                            country?: string | null;
                        } | null;
                        bio?: string | null;
                        website?: string | null;
                        linkedinUrl?: string | null;
                        country?: string | null;
                        city?: string | null;
                        ip?: (string) | null;
                        tags?: string[];
                        customFields?: {
                            [key: string]: unknown;
                        };
                        /** @enum {string} */
                        lawfulBasis: "consent" | "contract" | "legal_obligation" | "vital_interests" | "public_task" | "legitimate_interests";
                        source: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            firstName: string;
                            lastName: string;
                            emails: {
                                address: string;
                                primary: boolean;
                            }[];
                            phones: {
                                number: string;
                            }[];
                            jobTitle: string | null;
                            seniority: string | null;
                            /** Format: uuid */
                            companyId: string | null;
                            /** Format: uuid */
                            ownerId: string | null;
                            address: {
                                street?: string | null;
                                postalCode?: string | null;
                                city?: string | null;
                                region?: string | null;
                                country?: string | null;
                            } | null;
                            bio: string | null;
                            website: string | null;
                            linkedinUrl: string | null;
                            country: string | null;
                            city: string | null;
                            ip: string | null;
                            tags: string[];
                            customFields: {
                                [key: string]: unknown;
                            };
                            /** @enum {string} */
                            lawfulBasis: "consent" | "contract" | "legal_obligation" | "vital_interests" | "public_task" | "legitimate_interests";
                            source: string;
                            recordVersion: number;
                            createdAt: string;
                            updatedAt: string;
                            /** Format: uuid */
                            createdBy: string | null;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/contacts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One contact (special-category values only with special_category:read) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            firstName: string;
                            lastName: string;
                            emails: {
                                address: string;
                                primary: boolean;
                            }[];
                            phones: {
                                number: string;
                            }[];
                            jobTitle: string | null;
                            seniority: string | null;
                            /** Format: uuid */
                            companyId: string | null;
                            /** Format: uuid */
                            ownerId: string | null;
                            address: {
                                street?: string | null;
                                postalCode?: string | null;
                                city?: string | null;
                                region?: string | null;
                                country?: string | null;
                            } | null;
                            bio: string | null;
                            website: string | null;
                            linkedinUrl: string | null;
                            country: string | null;
                            city: string | null;
                            ip: string | null;
                            tags: string[];
                            customFields: {
                                [key: string]: unknown;
                            };
                            /** @enum {string} */
                            lawfulBasis: "consent" | "contract" | "legal_obligation" | "vital_interests" | "public_task" | "legitimate_interests";
                            source: string;
                            recordVersion: number;
                            createdAt: string;
                            updatedAt: string;
                            /** Format: uuid */
                            createdBy: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Erase a contact (crypto-shredding, then the rows) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a contact (arrays replace; customFields: null removes a key); a change to nothing changes nothing */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        firstName?: string;
                        lastName?: string;
                        emails?: {
                            address: string;
                            primary?: boolean;
                        }[];
                        phones?: {
                            number: string;
                        }[];
                        jobTitle?: string | null;
                        seniority?: string | null;
                        /** Format: uuid */
                        companyId?: string | null;
                        /** Format: uuid */
                        ownerId?: string | null;
                        address?: {
                            street?: string | null;
                            postalCode?: string | null;
                            city?: string | null;
                            region?: string | null;
                            country?: string | null;
                        } | null;
                        bio?: string | null;
                        website?: string | null;
                        linkedinUrl?: string | null;
                        country?: string | null;
                        city?: string | null;
                        ip?: (string) | null;
                        tags?: string[];
                        customFields?: {
                            [key: string]: unknown;
                        };
                        /** @enum {string} */
                        lawfulBasis?: "consent" | "contract" | "legal_obligation" | "vital_interests" | "public_task" | "legitimate_interests";
                        source?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            firstName: string;
                            lastName: string;
                            emails: {
                                address: string;
                                primary: boolean;
                            }[];
                            phones: {
                                number: string;
                            }[];
                            jobTitle: string | null;
                            seniority: string | null;
                            /** Format: uuid */
                            companyId: string | null;
                            /** Format: uuid */
                            ownerId: string | null;
                            address: {
                                street?: string | null;
                                postalCode?: string | null;
                                city?: string | null;
                                region?: string | null;
                                country?: string | null;
                            } | null;
                            bio: string | null;
                            website: string | null;
                            linkedinUrl: string | null;
                            country: string | null;
                            city: string | null;
                            ip: string | null;
                            tags: string[];
                            customFields: {
                                [key: string]: unknown;
                            };
                            /** @enum {string} */
                            lawfulBasis: "consent" | "contract" | "legal_obligation" | "vital_interests" | "public_task" | "legitimate_interests";
                            source: string;
                            recordVersion: number;
                            createdAt: string;
                            updatedAt: string;
                            /** Format: uuid */
                            createdBy: string | null;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/contacts/{id}/access-log": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who read or changed this person's data, newest first */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                at: string;
                                action: string;
                                actorId: string | null;
                                actorType: string;
                                purpose: string | null;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/contacts/merge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Merge mergeId into keepId (choices per field: keep|merge; emails, phones, tags unite by default); the merged contact is erased */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: uuid */
                        keepId: string;
                        /** Format: uuid */
                        mergeId: string;
                        choices?: {
                            [key: string]: "keep" | "merge";
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            firstName: string;
                            lastName: string;
                            emails: {
                                address: string;
                                primary: boolean;
                            }[];
                            phones: {
                                number: string;
                            }[];
                            jobTitle: string | null;
                            seniority: string | null;
                            /** Format: uuid */
                            companyId: string | null;
                            /** Format: uuid */
                            ownerId: string | null;
                            address: {
                                street?: string | null;
                                postalCode?: string | null;
                                city?: string | null;
                                region?: string | null;
                                country?: string | null;
                            } | null;
                            bio: string | null;
                            website: string | null;
                            linkedinUrl: string | null;
                            country: string | null;
                            city: string | null;
                            ip: string | null;
                            tags: string[];
                            customFields: {
                                [key: string]: unknown;
                            };
                            /** @enum {string} */
                            lawfulBasis: "consent" | "contract" | "legal_obligation" | "vital_interests" | "public_task" | "legitimate_interests";
                            source: string;
                            recordVersion: number;
                            createdAt: string;
                            updatedAt: string;
                            /** Format: uuid */
                            createdBy: string | null;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/companies": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List companies: q matches word prefixes of the name; name matches exactly (case-insensitively); sort by createdAt, updatedAt or (up to 2,000 results) name */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                    sort?: "createdAt" | "-createdAt" | "updatedAt" | "-updatedAt" | "name" | "-name";
                    q?: string;
                    name?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                domain: string | null;
                                website: string | null;
                                industry: string | null;
                                size: string | null;
                                phone: string | null;
                                address: {
                                    street: string | null;
                                    city: string | null;
                                    postalCode: string | null;
                                    region: string | null;
                                    country: string | null;
                                } | null;
                                notes: string | null;
                                /** Format: uuid */
                                ownerId: string | null;
                                createdAt: string;
                                updatedAt: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a company (honours Idempotency-Key) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        domain?: string | null;
                        /** Format: uri */
                        website?: string | null;
                        industry?: string | null;
                        size?: string | null;
                        phone?: string | null;
                        address?: {
                            street?: string | null;
                            city?: string | null;
                            postalCode?: string | null;
                            region?: string | null;
                            country?: string | null;
                        } | null;
                        notes?: string | null;
                        /** Format: uuid */
                        ownerId?: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            name: string;
                            domain: string | null;
                            website: string | null;
                            industry: string | null;
                            size: string | null;
                            phone: string | null;
                            address: {
                                street: string | null;
                                city: string | null;
                                postalCode: string | null;
                                region: string | null;
                                country: string | null;
                            } | null;
                            notes: string | null;
                            /** Format: uuid */
                            ownerId: string | null;
                            createdAt: string;
                            updatedAt: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/companies/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A company */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            name: string;
                            domain: string | null;
                            website: string | null;
                            industry: string | null;
                            size: string | null;
                            phone: string | null;
                            address: {
                                street: string | null;
                                city: string | null;
                                postalCode: string | null;
                                region: string | null;
                                country: string | null;
                            } | null;
                            notes: string | null;
                            /** Format: uuid */
                            ownerId: string | null;
                            createdAt: string;
                            updatedAt: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a company */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a company (null clears a field) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string;
                        domain?: string | null;
                        /** Format: uri */
                        website?: string | null;
                        industry?: string | null;
                        size?: string | null;
                        phone?: string | null;
                        address?: {
                            street?: string | null;
                            city?: string | null;
                            postalCode?: string | null;
                            region?: string | null;
                            country?: string | null;
                        } | null;
                        notes?: string | null;
                        /** Format: uuid */
                        ownerId?: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            name: string;
                            domain: string | null;
                            website: string | null;
                            industry: string | null;
                            size: string | null;
                            phone: string | null;
                            address: {
                                street: string | null;
                                city: string | null;
                                postalCode: string | null;
                                region: string | null;
                                country: string | null;
                            } | null;
                            notes: string | null;
                            /** Format: uuid */
                            ownerId: string | null;
                            createdAt: string;
                            updatedAt: string;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/custom-fields": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Custom field definitions, oldest first */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                    includeArchived?: "true" | "false";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                key: string;
                                label: string;
                                /** @enum {string} */
                                type: "text" | "number" | "date" | "select" | "multi_select" | "boolean" | "email" | "url";
                                options: string[] | null;
                                /** @enum {string} */
                                dataCategory: "identity" | "contact" | "professional" | "location" | "online_identifier" | "behavioural" | "special_category";
                                legalGround: string | null;
                                /** Format: uuid */
                                legalGroundRecordedBy: string | null;
                                createdAt: string;
                                archivedAt: string | null;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Define a custom field (special_category needs a legal ground, recorded by an owner; honours Idempotency-Key) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        key: string;
                        label: string;
                        /** @enum {string} */
                        type: "text" | "number" | "date" | "select" | "multi_select" | "boolean" | "email" | "url";
                        options?: string[];
                        /** @enum {string} */
                        dataCategory: "identity" | "contact" | "professional" | "location" | "online_identifier" | "behavioural" | "special_category";
                        legalGround?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            key: string;
                            label: string;
                            /** @enum {string} */
                            type: "text" | "number" | "date" | "select" | "multi_select" | "boolean" | "email" | "url";
                            options: string[] | null;
                            /** @enum {string} */
                            dataCategory: "identity" | "contact" | "professional" | "location" | "online_identifier" | "behavioural" | "special_category";
                            legalGround: string | null;
                            /** Format: uuid */
                            legalGroundRecordedBy: string | null;
                            createdAt: string;
                            archivedAt: string | null;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/custom-fields/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Relabel, add options, archive or unarchive a custom field; an owner may record a new legal ground */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        label?: string;
                        options?: string[];
                        archived?: boolean;
                        legalGround?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            key: string;
                            label: string;
                            /** @enum {string} */
                            type: "text" | "number" | "date" | "select" | "multi_select" | "boolean" | "email" | "url";
                            options: string[] | null;
                            /** @enum {string} */
                            dataCategory: "identity" | "contact" | "professional" | "location" | "online_identifier" | "behavioural" | "special_category";
                            legalGround: string | null;
                            /** Format: uuid */
                            legalGroundRecordedBy: string | null;
                            createdAt: string;
                            archivedAt: string | null;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/pipelines": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Pipelines with their stages (the default "Sales" pipeline is made on first use) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                position: number;
                                stages: {
                                    /** Format: uuid */
                                    id: string;
                                    name: string;
                                    position: number;
                                    probability: number;
                                    /** @enum {string} */
                                    kind: "open" | "won" | "lost";
                                }[];
                            }[];
                            /** @enum {string|null} */
                            nextCursor: null;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a pipeline (honours Idempotency-Key) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        position?: number;
                        /** @default [] */
                        stages?: {
                            name: string;
                            position?: number;
                            probability?: number;
                            /** @enum {string} */
                            kind?: "open" | "won" | "lost";
                        }[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            name: string;
                            position: number;
                            stages: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                position: number;
                                probability: number;
                                /** @enum {string} */
                                kind: "open" | "won" | "lost";
                            }[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pipelines/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete a pipeline without deals (409 otherwise) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Rename or reorder a pipeline */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string;
                        position?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            name: string;
                            position: number;
                            stages: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                position: number;
                                probability: number;
                                /** @enum {string} */
                                kind: "open" | "won" | "lost";
                            }[];
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/pipelines/{id}/stages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Add a stage (honours Idempotency-Key) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        position?: number;
                        probability?: number;
                        /** @enum {string} */
                        kind?: "open" | "won" | "lost";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            name: string;
                            position: number;
                            stages: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                position: number;
                                probability: number;
                                /** @enum {string} */
                                kind: "open" | "won" | "lost";
                            }[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pipelines/{id}/stages/{stageId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete a stage without deals (409 otherwise) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    stageId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            name: string;
                            position: number;
                            stages: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                position: number;
                                probability: number;
                                /** @enum {string} */
                                kind: "open" | "won" | "lost";
                            }[];
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a stage */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    stageId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string;
                        position?: number;
                        probability?: number;
                        /** @enum {string} */
                        kind?: "open" | "won" | "lost";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            name: string;
                            position: number;
                            stages: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                position: number;
                                probability: number;
                                /** @enum {string} */
                                kind: "open" | "won" | "lost";
                            }[];
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/deals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Deals in board order (pipeline, stage, position); shown contact names are an audited read (crm.list) */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                    pipelineId?: string;
                    stageId?: string;
                    ownerId?: string;
                    contactId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                /** Format: uuid */
                                pipelineId: string;
                                /** Format: uuid */
                                stageId: string;
                                title: string | null;
                                description: string | null;
                                erased: boolean;
                                contactHidden: boolean;
                                amountCents: number | null;
                                currency: string | null;
                                expectedClose: string | null;
                                /** Format: uuid */
                                ownerId: string | null;
                                /** Format: uuid */
                                companyId: string | null;
                                /** Format: uuid */
                                contactId: string | null;
                                contactName: string | null;
                                position: number;
                                createdAt: string;
                                updatedAt: string;
                                stageChangedAt: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a deal (default pipeline and first open stage unless named; honours Idempotency-Key) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        title: string;
                        description?: string | null;
                        /** Format: uuid */
                        pipelineId?: string;
                        /** Format: uuid */
                        stageId?: string;
                        amountCents?: number | null;
                        currency?: string | null;
                        /** Format: date */
                        expectedClose?: string | null;
                        /** Format: uuid */
                        ownerId?: string | null;
                        /** Format: uuid */
                        companyId?: string | null;
                        /** Format: uuid */
                        contactId?: string | null;
                        position?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            /** Format: uuid */
                            pipelineId: string;
                            /** Format: uuid */
                            stageId: string;
                            title: string | null;
                            description: string | null;
                            erased: boolean;
                            contactHidden: boolean;
                            amountCents: number | null;
                            currency: string | null;
                            expectedClose: string | null;
                            /** Format: uuid */
                            ownerId: string | null;
                            /** Format: uuid */
                            companyId: string | null;
                            /** Format: uuid */
                            contactId: string | null;
                            contactName: string | null;
                            position: number;
                            createdAt: string;
                            updatedAt: string;
                            stageChangedAt: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/deals/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One deal (a read of its contact: crm.view) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            /** Format: uuid */
                            pipelineId: string;
                            /** Format: uuid */
                            stageId: string;
                            title: string | null;
                            description: string | null;
                            erased: boolean;
                            contactHidden: boolean;
                            amountCents: number | null;
                            currency: string | null;
                            expectedClose: string | null;
                            /** Format: uuid */
                            ownerId: string | null;
                            /** Format: uuid */
                            companyId: string | null;
                            /** Format: uuid */
                            contactId: string | null;
                            contactName: string | null;
                            position: number;
                            createdAt: string;
                            updatedAt: string;
                            stageChangedAt: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a deal */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a deal; { stageId, position } moves it on the board; a change to nothing changes nothing */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        title?: string;
                        description?: string | null;
                        /** Format: uuid */
                        pipelineId?: string;
                        /** Format: uuid */
                        stageId?: string;
                        amountCents?: number | null;
                        currency?: string | null;
                        /** Format: date */
                        expectedClose?: string | null;
                        /** Format: uuid */
                        ownerId?: string | null;
                        /** Format: uuid */
                        companyId?: string | null;
                        /** Format: uuid */
                        contactId?: string | null;
                        position?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            /** Format: uuid */
                            pipelineId: string;
                            /** Format: uuid */
                            stageId: string;
                            title: string | null;
                            description: string | null;
                            erased: boolean;
                            contactHidden: boolean;
                            amountCents: number | null;
                            currency: string | null;
                            expectedClose: string | null;
                            /** Format: uuid */
                            ownerId: string | null;
                            /** Format: uuid */
                            companyId: string | null;
                            /** Format: uuid */
                            contactId: string | null;
                            contactName: string | null;
                            position: number;
                            createdAt: string;
                            updatedAt: string;
                            stageChangedAt: string;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/notes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A contact's (audited: crm.view) or a company's notes, newest first */
        get: {
            parameters: {
                query?: {
                    contactId?: string;
                    companyId?: string;
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                /** Format: uuid */
                                contactId: string | null;
                                /** Format: uuid */
                                companyId: string | null;
                                /** Format: uuid */
                                authorId: string | null;
                                body: string | null;
                                erased: boolean;
                                createdAt: string;
                                updatedAt: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Add a note to a contact or a company (honours Idempotency-Key) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: uuid */
                        contactId?: string;
                        /** Format: uuid */
                        companyId?: string;
                        body: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            /** Format: uuid */
                            contactId: string | null;
                            /** Format: uuid */
                            companyId: string | null;
                            /** Format: uuid */
                            authorId: string | null;
                            body: string | null;
                            erased: boolean;
                            createdAt: string;
                            updatedAt: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/notes/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete a note */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a note's text (the same text changes nothing) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        body: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            /** Format: uuid */
                            contactId: string | null;
                            /** Format: uuid */
                            companyId: string | null;
                            /** Format: uuid */
                            authorId: string | null;
                            body: string | null;
                            erased: boolean;
                            createdAt: string;
                            updatedAt: string;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/tasks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Tasks, newest first; shown contact names are an audited read (crm.list) */
        get: {
            parameters: {
                query?: {
                    assigneeId?: string;
                    contactId?: string;
                    dealId?: string;
                    done?: "true" | "false";
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                title: string | null;
                                erased: boolean;
                                contactHidden: boolean;
                                dueAt: string | null;
                                done: boolean;
                                doneAt: string | null;
                                /** Format: uuid */
                                assigneeId: string | null;
                                /** Format: uuid */
                                contactId: string | null;
                                contactName: string | null;
                                /** Format: uuid */
                                dealId: string | null;
                                createdAt: string;
                                updatedAt: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a task (honours Idempotency-Key) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        title: string;
                        /** Format: date-time */
                        dueAt?: string | null;
                        /** Format: uuid */
                        assigneeId?: string | null;
                        /** Format: uuid */
                        contactId?: string | null;
                        /** Format: uuid */
                        dealId?: string | null;
                        done?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            title: string | null;
                            erased: boolean;
                            contactHidden: boolean;
                            dueAt: string | null;
                            done: boolean;
                            doneAt: string | null;
                            /** Format: uuid */
                            assigneeId: string | null;
                            /** Format: uuid */
                            contactId: string | null;
                            contactName: string | null;
                            /** Format: uuid */
                            dealId: string | null;
                            createdAt: string;
                            updatedAt: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tasks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One task */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            title: string | null;
                            erased: boolean;
                            contactHidden: boolean;
                            dueAt: string | null;
                            done: boolean;
                            doneAt: string | null;
                            /** Format: uuid */
                            assigneeId: string | null;
                            /** Format: uuid */
                            contactId: string | null;
                            contactName: string | null;
                            /** Format: uuid */
                            dealId: string | null;
                            createdAt: string;
                            updatedAt: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a task */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a task; { done: true|false } toggles it; a change to nothing changes nothing */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        title?: string;
                        /** Format: date-time */
                        dueAt?: string | null;
                        /** Format: uuid */
                        assigneeId?: string | null;
                        /** Format: uuid */
                        contactId?: string | null;
                        /** Format: uuid */
                        dealId?: string | null;
                        done?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            title: string | null;
                            erased: boolean;
                            contactHidden: boolean;
                            dueAt: string | null;
                            done: boolean;
                            doneAt: string | null;
                            /** Format: uuid */
                            assigneeId: string | null;
                            /** Format: uuid */
                            contactId: string | null;
                            contactName: string | null;
                            /** Format: uuid */
                            dealId: string | null;
                            createdAt: string;
                            updatedAt: string;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/contacts/{id}/timeline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A person's notes, tasks, deals and record changes, newest first */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** @enum {string} */
                                kind: "note" | "task" | "deal" | "change";
                                at: string;
                                id: string;
                                text: string | null;
                                detail: string | null;
                                actorId: string | null;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/segments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Segments, oldest first, each with its live count */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                conditions: ({
                                    /** @enum {string} */
                                    type: "tag";
                                    /** @enum {string} */
                                    op: "is" | "isNot";
                                    value: string;
                                } | {
                                    /** @enum {string} */
                                    type: "owner";
                                    /** @enum {string} */
                                    op: "is";
                                    /** Format: uuid */
                                    value: string | null;
                                } | {
                                    /** @enum {string} */
                                    type: "company";
                                    /** @enum {string} */
                                    op: "is";
                                    /** Format: uuid */
                                    value: string | null;
                                } | {
                                    /** @enum {string} */
                                    type: "createdAt";
                                    /** @enum {string} */
                                    op: "before" | "after";
                                    /** Format: date-time */
                                    value: string;
                                } | {
                                    /** @enum {string} */
                                    type: "updatedAt";
                                    /** @enum {string} */
                                    op: "before" | "after";
                                    /** Format: date-time */
                                    value: string;
                                } | {
                                    /** @enum {string} */
                                    type: "lawfulBasis";
                                    /** @enum {string} */
                                    op: "is";
                                    /** @enum {string} */
                                    value: "consent" | "contract" | "legal_obligation" | "vital_interests" | "public_task" | "legitimate_interests";
                                } | {
                                    /** @enum {string} */
                                    type: "email";
                                    /** @enum {string} */
                                    op: "equals";
                                    value: string;
                                } | {
                                    /** @enum {string} */
                                    type: "phone";
                                    /** @enum {string} */
                                    op: "equals";
                                    value: string;
                                } | {
                                    /** @enum {string} */
                                    type: "country";
                                    /** @enum {string} */
                                    op: "is";
                                    value: string;
                                })[];
                                conditionsMasked?: boolean;
                                count: number;
                                createdAt: string;
                                updatedAt: string;
                                /** Format: uuid */
                                createdBy: string | null;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a segment (an AND of rules; members computed live; honours Idempotency-Key) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        conditions: ({
                            /** @enum {string} */
                            type: "tag";
                            /** @enum {string} */
                            op: "is" | "isNot";
                            value: string;
                        } | {
                            /** @enum {string} */
                            type: "owner";
                            /** @enum {string} */
                            op: "is";
                            /** Format: uuid */
                            value: string | null;
                        } | {
                            /** @enum {string} */
                            type: "company";
                            /** @enum {string} */
                            op: "is";
                            /** Format: uuid */
                            value: string | null;
                        } | {
                            /** @enum {string} */
                            type: "createdAt";
                            /** @enum {string} */
                            op: "before" | "after";
                            /** Format: date-time */
                            value: string;
                        } | {
                            /** @enum {string} */
                            type: "updatedAt";
                            /** @enum {string} */
                            op: "before" | "after";
                            /** Format: date-time */
                            value: string;
                        } | {
                            /** @enum {string} */
                            type: "lawfulBasis";
                            /** @enum {string} */
                            op: "is";
                            /** @enum {string} */
                            value: "consent" | "contract" | "legal_obligation" | "vital_interests" | "public_task" | "legitimate_interests";
                        } | {
                            /** @enum {string} */
                            type: "email";
                            /** @enum {string} */
                            op: "equals";
                            value: string;
                        } | {
                            /** @enum {string} */
                            type: "phone";
                            /** @enum {string} */
                            op: "equals";
                            value: string;
                        } | {
                            /** @enum {string} */
                            type: "country";
                            /** @enum {string} */
                            op: "is";
                            value: string;
                        })[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            name: string;
                            conditions: ({
                                /** @enum {string} */
                                type: "tag";
                                /** @enum {string} */
                                op: "is" | "isNot";
                                value: string;
                            } | {
                                /** @enum {string} */
                                type: "owner";
                                /** @enum {string} */
                                op: "is";
                                /** Format: uuid */
                                value: string | null;
                            } | {
                                /** @enum {string} */
                                type: "company";
                                /** @enum {string} */
                                op: "is";
                                /** Format: uuid */
                                value: string | null;
                            } | {
                                /** @enum {string} */
                                type: "createdAt";
                                /** @enum {string} */
                                op: "before" | "after";
                                /** Format: date-time */
                                value: string;
                            } | {
                                /** @enum {string} */
                                type: "updatedAt";
                                /** @enum {string} */
                                op: "before" | "after";
                                /** Format: date-time */
                                value: string;
                            } | {
                                /** @enum {string} */
                                type: "lawfulBasis";
                                /** @enum {string} */
                                op: "is";
                                /** @enum {string} */
                                value: "consent" | "contract" | "legal_obligation" | "vital_interests" | "public_task" | "legitimate_interests";
                            } | {
                                /** @enum {string} */
                                type: "email";
                                /** @enum {string} */
                                op: "equals";
                                value: string;
                            } | {
                                /** @enum {string} */
                                type: "phone";
                                /** @enum {string} */
                                op: "equals";
                                value: string;
                            } | {
                                /** @enum {string} */
                                type: "country";
                                /** @enum {string} */
                                op: "is";
                                value: string;
                            })[];
                            conditionsMasked?: boolean;
                            count: number;
                            createdAt: string;
                            updatedAt: string;
                            /** Format: uuid */
                            createdBy: string | null;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/segments/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One segment with its live count */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            name: string;
                            conditions: ({
                                /** @enum {string} */
                                type: "tag";
                                /** @enum {string} */
                                op: "is" | "isNot";
                                value: string;
                            } | {
                                /** @enum {string} */
                                type: "owner";
                                /** @enum {string} */
                                op: "is";
                                /** Format: uuid */
                                value: string | null;
                            } | {
                                /** @enum {string} */
                                type: "company";
                                /** @enum {string} */
                                op: "is";
                                /** Format: uuid */
                                value: string | null;
                            } | {
                                /** @enum {string} */
                                type: "createdAt";
                                /** @enum {string} */
                                op: "before" | "after";
                                /** Format: date-time */
                                value: string;
                            } | {
                                /** @enum {string} */
                                type: "updatedAt";
                                /** @enum {string} */
                                op: "before" | "after";
                                /** Format: date-time */
                                value: string;
                            } | {
                                /** @enum {string} */
                                type: "lawfulBasis";
                                /** @enum {string} */
                                op: "is";
                                /** @enum {string} */
                                value: "consent" | "contract" | "legal_obligation" | "vital_interests" | "public_task" | "legitimate_interests";
                            } | {
                                /** @enum {string} */
                                type: "email";
                                /** @enum {string} */
                                op: "equals";
                                value: string;
                            } | {
                                /** @enum {string} */
                                type: "phone";
                                /** @enum {string} */
                                op: "equals";
                                value: string;
                            } | {
                                /** @enum {string} */
                                type: "country";
                                /** @enum {string} */
                                op: "is";
                                value: string;
                            })[];
                            conditionsMasked?: boolean;
                            count: number;
                            createdAt: string;
                            updatedAt: string;
                            /** Format: uuid */
                            createdBy: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a segment (its contacts stay) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Rename a segment or replace its rules */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string;
                        conditions?: ({
                            /** @enum {string} */
                            type: "tag";
                            /** @enum {string} */
                            op: "is" | "isNot";
                            value: string;
                        } | {
                            /** @enum {string} */
                            type: "owner";
                            /** @enum {string} */
                            op: "is";
                            /** Format: uuid */
                            value: string | null;
                        } | {
                            /** @enum {string} */
                            type: "company";
                            /** @enum {string} */
                            op: "is";
                            /** Format: uuid */
                            value: string | null;
                        } | {
                            /** @enum {string} */
                            type: "createdAt";
                            /** @enum {string} */
                            op: "before" | "after";
                            /** Format: date-time */
                            value: string;
                        } | {
                            /** @enum {string} */
                            type: "updatedAt";
                            /** @enum {string} */
                            op: "before" | "after";
                            /** Format: date-time */
                            value: string;
                        } | {
                            /** @enum {string} */
                            type: "lawfulBasis";
                            /** @enum {string} */
                            op: "is";
                            /** @enum {string} */
                            value: "consent" | "contract" | "legal_obligation" | "vital_interests" | "public_task" | "legitimate_interests";
                        } | {
                            /** @enum {string} */
                            type: "email";
                            /** @enum {string} */
                            op: "equals";
                            value: string;
                        } | {
                            /** @enum {string} */
                            type: "phone";
                            /** @enum {string} */
                            op: "equals";
                            value: string;
                        } | {
                            /** @enum {string} */
                            type: "country";
                            /** @enum {string} */
                            op: "is";
                            value: string;
                        })[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            name: string;
                            conditions: ({
                                /** @enum {string} */
                                type: "tag";
                                /** @enum {string} */
                                op: "is" | "isNot";
                                value: string;
                            } | {
                                /** @enum {string} */
                                type: "owner";
                                /** @enum {string} */
                                op: "is";
                                /** Format: uuid */
                                value: string | null;
                            } | {
                                /** @enum {string} */
                                type: "company";
                                /** @enum {string} */
                                op: "is";
                                /** Format: uuid */
                                value: string | null;
                            } | {
                                /** @enum {string} */
                                type: "createdAt";
                                /** @enum {string} */
                                op: "before" | "after";
                                /** Format: date-time */
                                value: string;
                            } | {
                                /** @enum {string} */
                                type: "updatedAt";
                                /** @enum {string} */
                                op: "before" | "after";
                                /** Format: date-time */
                                value: string;
                            } | {
                                /** @enum {string} */
                                type: "lawfulBasis";
                                /** @enum {string} */
                                op: "is";
                                /** @enum {string} */
                                value: "consent" | "contract" | "legal_obligation" | "vital_interests" | "public_task" | "legitimate_interests";
                            } | {
                                /** @enum {string} */
                                type: "email";
                                /** @enum {string} */
                                op: "equals";
                                value: string;
                            } | {
                                /** @enum {string} */
                                type: "phone";
                                /** @enum {string} */
                                op: "equals";
                                value: string;
                            } | {
                                /** @enum {string} */
                                type: "country";
                                /** @enum {string} */
                                op: "is";
                                value: string;
                            })[];
                            conditionsMasked?: boolean;
                            count: number;
                            createdAt: string;
                            updatedAt: string;
                            /** Format: uuid */
                            createdBy: string | null;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/exports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Export the contacts you can see, or a segment, as CSV or JSON (audited; owners and the DPO are told) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: uuid */
                        segmentId?: string;
                        /** @enum {string} */
                        format: "csv" | "json";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            url: string;
                            records: number;
                            /** @enum {string} */
                            format: "csv" | "json";
                            createdAt: string;
                            expiresAt: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/exports/{id}/file": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download an export (24 hours after it was made; 410 after; each download audited) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/imports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The workspace's imports, newest first (each as GET /imports/{id} shows it, with createdAt and finishedAt) */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                /** @enum {string} */
                                status: "queued" | "running" | "done" | "failed";
                                processed: number;
                                created: number;
                                updated: number;
                                skipped: number;
                                rejected: number;
                                errorsUrl: string;
                                error: string | null;
                                createdAt: string;
                                finishedAt: string | null;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Import contacts from a CSV (multipart: file, mapping?, lawfulBasis, source, duplicates?); 202 { id } */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/imports/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An import's status and counters */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            /** @enum {string} */
                            status: "queued" | "running" | "done" | "failed";
                            processed: number;
                            created: number;
                            updated: number;
                            skipped: number;
                            rejected: number;
                            errorsUrl: string;
                            error: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/imports/{id}/errors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The error file: CSV of line, column, reason (never a value); 410 once it expired */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: never;
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
