// Bearer JWT (HS256). The token names the principal and its role; every handler reads the actor
// from res.locals.actor, never from the body.
import { createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ZTokenClaimsSchema } from '@helpdesk/contracts';
import type { Actor, TTokenClaims } from '@helpdesk/contracts';
import type { RequestHandler, Response } from 'express';
import { UnauthorizedError } from './errors';

export function signToken(
  claims: TTokenClaims,
  secret: string,
  expiresIn: jwt.SignOptions['expiresIn'] = '12h',
): string {
  return jwt.sign(ZTokenClaimsSchema.parse(claims), secret, { algorithm: 'HS256', expiresIn });
}

/** Who is asking: what authenticate() put on the response for this request. */
export const actorOf = (res: Response): Actor => res.locals.actor as Actor;

export function authenticate(secret: string): RequestHandler {
  // A key object made once: given a string, the library tries to parse it as a public key on
  // every request first, which cost more than the rest of the check.
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  return (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer (.+)$/i.exec(header);
    if (!match?.[1]) throw new UnauthorizedError();
    let payload: unknown;
    try {
      payload = jwt.verify(match[1], key, { algorithms: ['HS256'] });
    } catch (err) {
      throw new UnauthorizedError(
        err instanceof jwt.TokenExpiredError ? 'The token has expired' : 'The token is not valid',
      );
    }
    const claims = ZTokenClaimsSchema.safeParse(payload);
    if (!claims.success) throw new UnauthorizedError('The token lacks a valid sub or role claim');
    const actor: Actor = {
      id: claims.data.sub,
      role: claims.data.role,
      name: claims.data.name,
      email: claims.data.email,
    };
    res.locals.actor = actor;
    next();
  };
}
