/**
 * Names for the shapes in api-types.ts (generated from the server's OpenAPI
 * document, `npm run api-types`): the web reads the API's types from what the
 * routes declare, never from server source or a hand-kept copy.
 */
import type { paths } from './api-types.js';

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';
type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type Responses<P extends keyof paths, M extends Method> = Operation<P, M> extends { responses: infer R } ? R : never;

/** The JSON a route answers with: its 200, else its 201, else its 202. */
export type ApiResponse<P extends keyof paths, M extends Method = 'get'> =
  Responses<P, M> extends { 200: infer R } ? Json<R> : Responses<P, M> extends { 201: infer R } ? Json<R> : Responses<P, M> extends { 202: infer R } ? Json<R> : never;

/** The JSON body a route accepts. */
export type ApiBody<P extends keyof paths, M extends Method> = Operation<P, M> extends { requestBody?: infer B } ? Json<NonNullable<B>> : never;

/** One item of a listed route's `items`. */
export type ApiItem<P extends keyof paths> = ApiResponse<P> extends { items: Array<infer I> } ? I : never;
