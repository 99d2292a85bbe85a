import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, type ReactNode } from 'react';
import { setUnauthorizedHandler } from './api.js';
import type { Me } from './identity-queries.js';
import { AppLayout } from './layout/AppLayout.js';
import { PublicLayout } from './layout/PublicLayout.js';
import { AccountPage } from './pages/AccountPage.js';
import { AuditPage } from './pages/AuditPage.js';
import { CompaniesPage } from './pages/companies/CompaniesPage.js';
import { CompanyPage } from './pages/companies/CompanyPage.js';
import { ContactPage } from './pages/contacts/ContactPage.js';
import { ContactsPage } from './pages/contacts/ContactsPage.js';
import { ImportPage } from './pages/imports/ImportPage.js';
import { DealsPage } from './pages/deals/DealsPage.js';
import { HomePage } from './pages/HomePage.js';
import { LandingPage } from './pages/LandingPage.js';
import { NotFoundPage } from './pages/NotFoundPage.js';
import { AcceptInvitationPage, ForgotPasswordPage, ResetPasswordPage } from './pages/PasswordPages.js';
import { SetupPage } from './pages/SetupPage.js';
import { SignInPage } from './pages/SignInPage.js';
import { TeamPage } from './pages/TeamPage.js';
import { TokensPage } from './pages/TokensPage.js';
import { TwoFactorChallengePage, TwoFactorEnrolPage } from './pages/TwoFactorPages.js';
import { WorkspaceSettingsPage } from './pages/workspace/WorkspaceSettingsPage.js';
import { navigate, usePathname } from './router.js';

type Route =
  | { title: string; kind: 'public'; render: () => ReactNode }
  | { title: string; kind: 'app'; permission?: string; render: (me: Me) => ReactNode };

const routes: Record<string, Route> = {
  '/': { title: 'Confidant', kind: 'public', render: () => <LandingPage /> },
  '/setup': { title: 'Set up Confidant', kind: 'public', render: () => <SetupPage /> },
  '/sign-in': { title: 'Sign in · Confidant', kind: 'public', render: () => <SignInPage /> },
  '/sign-in/two-factor': { title: 'Two-factor authentication · Confidant', kind: 'public', render: () => <TwoFactorChallengePage /> },
  '/two-factor/enrol': { title: 'Set up two-factor authentication · Confidant', kind: 'public', render: () => <TwoFactorEnrolPage /> },
  '/forgot-password': { title: 'Reset your password · Confidant', kind: 'public', render: () => <ForgotPasswordPage /> },
  '/reset-password': { title: 'Choose a new password · Confidant', kind: 'public', render: () => <ResetPasswordPage /> },
  '/accept-invitation': { title: 'Join your team · Confidant', kind: 'public', render: () => <AcceptInvitationPage /> },
  '/app': { title: 'Home · Confidant', kind: 'app', render: (me) => <HomePage me={me} /> },
  '/account': { title: 'Account security · Confidant', kind: 'app', render: (me) => <AccountPage me={me} /> },
  '/team': { title: 'Team · Confidant', kind: 'app', permission: 'members:manage', render: (me) => <TeamPage me={me} /> },
  '/tokens': { title: 'API tokens · Confidant', kind: 'app', permission: 'tokens:manage', render: (me) => <TokensPage me={me} /> },
  '/workspace': { title: 'Workspace settings · Confidant', kind: 'app', permission: 'workspace:manage', render: (me) => <WorkspaceSettingsPage me={me} /> },
  '/audit': { title: 'Audit trail · Confidant', kind: 'app', permission: 'audit:read', render: () => <AuditPage /> },
  '/contacts': { title: 'Contacts · Confidant', kind: 'app', permission: 'contacts:read', render: (me) => <ContactsPage me={me} /> },
  '/contacts/import': { title: 'Import contacts · Confidant', kind: 'app', permission: 'contacts:write', render: () => <ImportPage /> },
  '/deals': { title: 'Deals · Confidant', kind: 'app', permission: 'contacts:read', render: (me) => <DealsPage me={me} /> },
  '/companies': { title: 'Companies · Confidant', kind: 'app', permission: 'contacts:read', render: (me) => <CompaniesPage me={me} /> },
};

/** Pages of one record: `/contacts/<uuid>`, `/companies/<uuid>`. */
const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const recordRoutes: Array<{ pattern: RegExp; route: (id: string) => Route }> = [
  {
    pattern: new RegExp(`^/contacts/(${UUID})$`),
    route: (id) => ({ title: 'Contact · Confidant', kind: 'app', permission: 'contacts:read', render: (me) => <ContactPage key={id} me={me} id={id} /> }),
  },
  {
    pattern: new RegExp(`^/companies/(${UUID})$`),
    route: (id) => ({ title: 'Company · Confidant', kind: 'app', permission: 'contacts:read', render: (me) => <CompanyPage key={id} me={me} id={id} /> }),
  },
];

function routeFor(path: string): Route {
  const fixed = routes[path];
  if (fixed) return fixed;
  for (const r of recordRoutes) {
    const m = r.pattern.exec(path);
    if (m?.[1]) return r.route(m[1]);
  }
  return notFound;
}

const notFound: Route = { title: 'Not found · Confidant', kind: 'public', render: () => <NotFoundPage /> };

/** Pages where a 401 is the normal state (no session yet): nothing to sign out of. */
const SIGNED_OUT_PAGES = new Set(['/', '/setup', '/sign-in', '/forgot-password', '/reset-password', '/accept-invitation']);

/**
 * Any 401 outside the signed-out pages means the session is gone (signed out
 * elsewhere, expired, the member removed): forget everything cached about it
 * and go to sign-in, keeping the workspace to sign in to.
 */
function useSignOutOn401(): void {
  const qc = useQueryClient();
  useEffect(() => {
    setUnauthorizedHandler(() => {
      const path = window.location.pathname.replace(/\/+$/, '') || '/';
      if (SIGNED_OUT_PAGES.has(path)) return;
      const slug = qc.getQueryData<Me>(['me'])?.workspaceSlug;
      qc.clear();
      navigate(`/sign-in?signedOut=1${slug ? `&workspace=${encodeURIComponent(slug)}` : ''}`);
    });
    return () => setUnauthorizedHandler(null);
  }, [qc]);
}

export function App() {
  const pathname = usePathname();
  const path = pathname.replace(/\/+$/, '') || '/';
  const route = useMemo(() => routeFor(path), [path]);
  useSignOutOn401();

  useEffect(() => {
    document.title = route.title;
  }, [route]);

  if (route.kind === 'app') return <AppLayout {...(route.permission ? { permission: route.permission } : {})}>{route.render}</AppLayout>;
  return <PublicLayout>{route.render()}</PublicLayout>;
}
