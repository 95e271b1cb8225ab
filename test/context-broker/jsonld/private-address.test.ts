import { isNonPublicAddress, literalHostProblem } from '../../../src/context-broker/jsonld/private-address.js';

describe('which hosts a @context fetch may reach', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1'])(
    'treats %s as not public',
    (ip) => expect(isNonPublicAddress(ip)).toBe(true),
  );

  it.each(['8.8.8.8', '172.32.0.1', '133.242.0.1', '2001:db8::1'])('treats %s as public', (ip) => expect(isNonPublicAddress(ip)).toBe(false));

  it('refuses localhost names and private literals in URLs, and lets other names through to the DNS check', () => {
    expect(literalHostProblem('localhost')).toMatch(/hub itself/);
    expect(literalHostProblem('[::1]')).toMatch(/not a public address/);
    expect(literalHostProblem('10.0.0.7')).toMatch(/not a public address/);
    expect(literalHostProblem('uri.etsi.org')).toBeUndefined();
  });
});
