/** What the entity model needs from a compiled @context (implemented by jsonld/TermMap). */
export interface Terms {
  /** Attribute name or type term → expanded IRI. */
  expandTerm(term: string): string;
  /** Value of an @vocab-typed member (VocabProperty `vocab`, `objectType`) → expanded IRI. */
  expandValue(term: string): string;
  /** Expanded IRI → the shortest term or compact IRI for this context. */
  compactIri(iri: string): string;
}
