import { fastifyCookie, type CookieSerializeOptions } from '@fastify/cookie';
import type { Config } from '../config.js';

/** The staff session cookie: the session token, signed with the hub secret. */
export const SESSION_COOKIE = 'hub_staff';

/**
 * httpOnly (no script reads it), SameSite=Strict (no other site's page, form or socket carries it),
 * Secure behind https, path `/` so the read-only API and the live socket see it too. No max-age: the
 * browser forgets it when closed; Redis decides how long it is good for.
 */
export function sessionCookieOptions(config: Pick<Config, 'publicUrl'>): CookieSerializeOptions {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: config.publicUrl.startsWith('https:'),
    signed: true,
  };
}

/**
 * The session token from a raw `Cookie` header, for routes outside the staff pages (the API's GETs,
 * the live socket) where the cookie plugin is not registered; undefined when absent or the signature
 * is wrong.
 */
export function sessionTokenFromHeader(header: string | undefined, secret: string): string | undefined {
  if (!header) return undefined;
  const signed = fastifyCookie.parse(header)[SESSION_COOKIE];
  if (!signed) return undefined;
  const unsigned = fastifyCookie.unsign(signed, secret);
  return unsigned.valid && unsigned.value ? unsigned.value : undefined;
}
