import { TermMap, type TermDefinition } from '../../../src/context-broker/jsonld/term-map.js';
import { compileContext, coreTermMap } from '../../../src/context-broker/jsonld/compile.js';

const NGSI = 'https://uri.etsi.org/ngsi-ld/';
const DEFAULT = 'https://uri.etsi.org/ngsi-ld/default-context/';
const SCHEMA = 'https://schema.org/';

function def(id: string | null, extra: Partial<TermDefinition> = {}): TermDefinition {
  return { id, prefix: false, protected: false, core: false, ...extra };
}

describe('TermMap with the core context alone', () => {
  const core = coreTermMap();

  it('expands keyword aliases, core terms and names the context does not define', () => {
    expect(core.expandTerm('id')).toBe('@id');
    expect(core.expandTerm('type')).toBe('@type');
    expect(core.expandTerm('location')).toBe(`${NGSI}location`);
    expect(core.expandTerm('value')).toBe(`${NGSI}hasValue`);
    expect(core.expandTerm('dataset')).toBe(`${NGSI}hasDataset`);
    expect(core.expandTerm('Point')).toBe('https://purl.org/geojson/vocab#Point');
    expect(core.expandTerm('temperature')).toBe(`${DEFAULT}temperature`);
  });

  it('expands compact IRIs through prefix terms and passes absolute IRIs, URNs and blank nodes through', () => {
    expect(core.expandTerm('ngsi-ld:foo')).toBe(`${NGSI}foo`);
    expect(core.expandTerm('geojson:bbox')).toBe('https://purl.org/geojson/vocab#bbox');
    expect(core.expandTerm('https://example.org/a#b')).toBe('https://example.org/a#b');
    expect(core.expandTerm('urn:ngsi-ld:Device:1')).toBe('urn:ngsi-ld:Device:1');
    expect(core.expandTerm('_:b0')).toBe('_:b0');
  });

  it('gives keyword-like names no IRI and leaves them unchanged', () => {
    expect(core.tryExpandTerm('@foo')).toBeNull();
    expect(core.expandTerm('@foo')).toBe('@foo');
    expect(core.expandTerm('@value')).toBe('@value');
  });

  it('compacts by exact term, then by stripping @vocab, then to a compact IRI, else keeps the IRI', () => {
    expect(core.compactIri('@id')).toBe('id');
    expect(core.compactIri(`${NGSI}location`)).toBe('location');
    expect(core.compactIri(`${DEFAULT}temperature`)).toBe('temperature');
    expect(core.compactIri(`${NGSI}somethingNew`)).toBe('ngsi-ld:somethingNew');
    expect(core.compactIri('https://example.org/a#b')).toBe('https://example.org/a#b');
  });

  it('does not strip @vocab when the short name is already a term for another IRI', () => {
    // "location" means ngsi-ld:location, so default-context/location must stay distinguishable.
    const short = core.compactIri(`${DEFAULT}location`);
    expect(short).not.toBe('location');
    expect(core.expandTerm(short)).toBe(`${DEFAULT}location`);
  });

  it('round-trips every core term', () => {
    for (const [term, d] of core.terms()) {
      if (d.id === null) continue;
      expect(core.expandTerm(core.compactIri(d.id))).toBe(d.id);
      expect(core.isCoreTerm(term)).toBe(true);
    }
  });

  it('expands and compacts @vocab-typed values like names', () => {
    expect(core.expandValue('Property')).toBe(`${NGSI}Property`);
    expect(core.expandValue('OffStreetParking')).toBe(`${DEFAULT}OffStreetParking`);
    expect(core.compactValue(`${DEFAULT}OffStreetParking`)).toBe('OffStreetParking');
  });

  it('knows the type and container mapping of core terms', () => {
    expect(core.definition('observedAt')?.type).toBe(`${NGSI}DateTime`);
    expect(core.definition('vocab')?.type).toBe('@vocab');
    expect(core.definition('object')?.type).toBe('@id');
    expect(core.definition('json')?.type).toBe('@json');
    expect(core.definition('languageMap')?.container).toEqual(['@language']);
    expect(core.definition('coordinates')?.container).toEqual(['@list']);
    expect(core.has('temperature')).toBe(false);
    expect(core.isCoreTerm('temperature')).toBe(false);
  });

  it('keeps the scoped context of ngsildproof uncompiled, so top-level expansion never needs it', () => {
    expect(core.definition('ngsildproof')?.scopedContext).toEqual([
      expect.objectContaining({ entityIdSealed: 'ngsi-ld:entityIdSealed' }),
      'https://w3id.org/security/data-integrity/v2',
    ]);
    expect(core.expandTerm('ngsildproof')).toBe(`${NGSI}ngsildproof`);
    expect(core.expandTerm('entityIdSealed')).toBe(`${DEFAULT}entityIdSealed`);
  });
});

describe('TermMap with a user context in front of the core', () => {
  it('prefers a user term over a core term mapped to the same IRI', async () => {
    const terms = await compileContext({ place: `${NGSI}location`, where: `${NGSI}location` });
    expect(terms.compactIri(`${NGSI}location`)).toBe('place');
    expect(terms.expandTerm('location')).toBe(`${NGSI}location`);
  });

  it('keeps the core names of keyword aliases even when a user aliases them too', async () => {
    const terms = await compileContext({ identifier: '@id' });
    expect(terms.expandTerm('identifier')).toBe('@id');
    expect(terms.compactIri('@id')).toBe('id');
  });

  it('chooses the shortest compact IRI, then the first in code-point order', async () => {
    const terms = await compileContext({ schema: SCHEMA, s: SCHEMA, t: SCHEMA });
    expect(terms.compactIri(`${SCHEMA}brand`)).toBe('s:brand');
  });

  it('is deterministic whatever the order of the context', async () => {
    const a = await compileContext({ alpha: `${SCHEMA}name`, gamma: `${SCHEMA}name` });
    const b = await compileContext({ gamma: `${SCHEMA}name`, alpha: `${SCHEMA}name` });
    expect(a.compactIri(`${SCHEMA}name`)).toBe('alpha');
    expect(b.compactIri(`${SCHEMA}name`)).toBe('alpha');
  });


  it('lets a null mapping take a name out of the context', async () => {
    const terms = await compileContext({ secret: null });
    expect(terms.tryExpandTerm('secret')).toBeNull();
    expect(terms.expandTerm('secret')).toBe('secret');
    expect(terms.expandValue('secret')).toBe('secret');
  });
});

describe('TermMap built directly', () => {
  it('expands names without @vocab to nothing', () => {
    const terms = new TermMap({ definitions: new Map([['a', def('https://example.org/a')]]), vocab: null });
    expect(terms.tryExpandTerm('b')).toBeNull();
    expect(terms.expandTerm('a')).toBe('https://example.org/a');
  });

  it('answers the same after its memo of unknown names has been cleared', () => {
    const terms = new TermMap({ definitions: new Map(), vocab: 'https://example.org/v/', memoLimit: 4 });
    const names = Array.from({ length: 50 }, (_, i) => `attr${i}`);
    for (let round = 0; round < 3; round++) {
      for (const n of names) {
        expect(terms.expandTerm(n)).toBe(`https://example.org/v/${n}`);
        expect(terms.compactIri(`https://example.org/v/${n}`)).toBe(n);
      }
    }
  });

  it('does not produce a compact IRI that is a term for something else', () => {
    const definitions = new Map([
      ['schema', def(SCHEMA, { prefix: true })],
      ['schema:brand', def('https://example.org/notSchemaBrand')],
    ]);
    const terms = new TermMap({ definitions, vocab: null });
    expect(terms.compactIri(`${SCHEMA}brand`)).toBe(`${SCHEMA}brand`);
    expect(terms.compactIri(`${SCHEMA}model`)).toBe('schema:model');
  });

  it('leaves reverse properties out of compaction', () => {
    const terms = new TermMap({ definitions: new Map([['isPartOf', def('https://example.org/hasPart', { reverse: true })]]), vocab: null });
    expect(terms.compactIri('https://example.org/hasPart')).toBe('https://example.org/hasPart');
  });

  it('expands and compacts a known name with a Map lookup (a million of each in well under a second)', () => {
    const core = coreTermMap();
    const started = performance.now();
    let length = 0;
    for (let i = 0; i < 1_000_000; i++) {
      length += core.expandTerm('observedAt').length + core.compactIri(`${DEFAULT}temperature`).length;
    }
    expect(length).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
