/**
 * The one place where every request is authenticated. Until the identity issue lands, the hub
 * trusts callers on its listening address (127.0.0.1 by default); the hook is where tokens will
 * be checked, and it runs before any route.
 */
import type { Request } from 'express';
import type { ProblemError } from '../errors.js';

export interface Principal {
  /** Who is calling: a user, device or system id, or "local" for the trusted loopback default. */
  id: string;
  kind: 'local' | 'user' | 'system';
}

/** Decides who the caller is, or refuses with a problem (401/403). */
export type Authenticator = (req: Request) => Promise<Principal | ProblemError>;

/** The default: every caller that reached the listening address is trusted as "local". */
export const trustLocalCallers: Authenticator = async () => ({ id: 'local', kind: 'local' });
