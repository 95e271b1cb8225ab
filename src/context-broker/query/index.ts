// Public surface of the query folder: the q language (clause 4.9), scopeQ (clause 4.19) and the
// type selector (clause 4.17), each parsed into a tree and translated into parameterised SQL.
export { parseQ } from './parse-q.js';
export { parseScopeQ } from './parse-scope.js';
export { qToSql } from './q-to-sql.js';
export type { AttrResolver, QToSqlOptions } from './q-to-sql.js';
export { scopeToSql } from './scope-to-sql.js';
export type { ScopeToSqlOptions } from './scope-to-sql.js';
export { Q_LIMITS, ATTRIBUTE_MEMBERS } from './ast.js';
export type {
  Result,
  QNode,
  QAnd,
  QOr,
  QExists,
  QNotExists,
  QCompare,
  QPattern,
  QValue,
  QScalar,
  CompareOp,
  AttrPath,
  AttributeMember,
  ScopeNode,
  ScopeTerm,
  ScopeAnd,
  ScopeOr,
} from './ast.js';
export { parseTypeSelector } from './parse-type.js';
export type { TypeSelector, TypeResult } from './parse-type.js';
