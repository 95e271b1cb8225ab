import { ProblemError } from '../../src/core/errors.js';
import { ngsiError } from '../../src/context-broker/errors.js';

describe('ProblemError', () => {
  it('renders an RFC 9457 body with the NGSI-LD type URI', () => {
    const err = ngsiError('badRequestData', 'attribute "x" has no value');
    expect(err).toBeInstanceOf(ProblemError);
    expect(err.toJSON()).toEqual({
      type: 'https://uri.etsi.org/ngsi-ld/errors/BadRequestData',
      title: expect.any(String),
      status: 400,
      detail: 'attribute "x" has no value',
    });
  });
});
