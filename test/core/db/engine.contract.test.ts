// The storage-port contract: every SqlEngine (PGlite in a worker, PostgreSQL) must pass it.
import { describeEachEngine, uniqueTenant } from '../../support/engines.js';
import { migrate, SqlError, UNIQUE_VIOLATION, type Migration } from '../../../src/core/index.js';

describeEachEngine('storage engine contract', (engine) => {
  const table = `contract_${uniqueTenant()}`;

  beforeAll(async () => {
    await engine().exec(`CREATE TABLE ${table} (k text PRIMARY KEY, n int, j jsonb, tags text[], at timestamptz, g geometry(Point, 4326))`);
  });
  afterAll(async () => {
    await engine().exec(`DROP TABLE IF EXISTS ${table}`);
  });

  it('round-trips text, int, jsonb, text[], timestamptz and PostGIS values through parameters', async () => {
    await engine().query(
      `INSERT INTO ${table} (k, n, j, tags, at, g) VALUES ($1, $2, $3::jsonb, $4::text[], $5, ST_SetSRID(ST_GeomFromGeoJSON($6::text), 4326))`,
      ['a', 7, JSON.stringify({ x: [1, 'two'] }), ['p', 'q'], '2026-11-25T09:00:00.000Z', JSON.stringify({ type: 'Point', coordinates: [135.49, 34.83] })],
    );
    const r = await engine().query<{ k: string; n: number; j: unknown; tags: string[]; at: Date; lon: number }>(
      `SELECT k, n, j, tags, at, ST_X(g) AS lon FROM ${table} WHERE k = $1`,
      ['a'],
    );
    expect(r.rows).toHaveLength(1);
    const row = r.rows[0]!;
    expect(row).toMatchObject({ k: 'a', n: 7, j: { x: [1, 'two'] }, tags: ['p', 'q'], lon: 135.49 });
    expect(new Date(row.at).toISOString()).toBe('2026-11-25T09:00:00.000Z');
  });

  it('reports the number of rows an update touched', async () => {
    await engine().query(`INSERT INTO ${table} (k, n) VALUES ('c1', 1), ('c2', 2)`);
    const r = await engine().query(`UPDATE ${table} SET n = n + 1 WHERE k IN ('c1', 'c2')`);
    expect(r.rowCount).toBe(2);
  });

  it('commits a transaction that resolves', async () => {
    await engine().transaction(async (tx) => {
      await tx.query(`INSERT INTO ${table} (k, n) VALUES ($1, $2)`, ['t1', 1]);
    });
    expect((await engine().query(`SELECT n FROM ${table} WHERE k = 't1'`)).rows).toEqual([{ n: 1 }]);
  });

  it('rolls back a transaction that throws, and passes the error on', async () => {
    await expect(
      engine().transaction(async (tx) => {
        await tx.query(`INSERT INTO ${table} (k, n) VALUES ($1, $2)`, ['t2', 1]);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect((await engine().query(`SELECT n FROM ${table} WHERE k = 't2'`)).rows).toEqual([]);
  });

  it('does not let other queries see a transaction before it commits', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const tx = engine().transaction(async (t) => {
      await t.query(`INSERT INTO ${table} (k, n) VALUES ('t3', 3)`);
      await gate;
    });
    // Outside the transaction the row is not there yet (PGlite queues the read until commit).
    const outside = engine().query(`SELECT count(*)::int AS c FROM ${table} WHERE k = 't3'`);
    await new Promise((r) => setTimeout(r, 50));
    release();
    await tx;
    const seen = (await outside).rows[0] as { c: number };
    expect([0, 1]).toContain(seen.c);
    expect((await engine().query(`SELECT count(*)::int AS c FROM ${table} WHERE k = 't3'`)).rows).toEqual([{ c: 1 }]);
  });

  it('gives database errors their SQLSTATE', async () => {
    await engine().query(`INSERT INTO ${table} (k) VALUES ('dup')`);
    const err = await engine().query(`INSERT INTO ${table} (k) VALUES ('dup')`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SqlError);
    expect((err as SqlError).code).toBe(UNIQUE_VIOLATION);
    // The engine is still usable after an error.
    await expect(engine().ping()).resolves.toBeUndefined();
  });

  it('runs many queries at once and answers each one', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => engine().query<{ v: number }>('SELECT $1::int AS v', [i])));
    expect(results.map((r) => r.rows[0]!.v)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('applies a migration once, even when asked twice', async () => {
    const name = `mig_${uniqueTenant()}`;
    const migrations: Migration[] = [{ module: name, version: 1, name: 'a table', sql: `CREATE TABLE ${name} (x int)\n;\nINSERT INTO ${name} VALUES (1)` }];
    expect((await migrate(engine(), migrations)).map((m) => m.version)).toEqual([1]);
    expect(await migrate(engine(), migrations)).toEqual([]);
    expect((await engine().query(`SELECT count(*)::int AS c FROM ${name}`)).rows).toEqual([{ c: 1 }]);
    await engine().exec(`DROP TABLE ${name}`);
  });

  it('rolls back a failing migration completely', async () => {
    const name = `mig_${uniqueTenant()}`;
    const bad: Migration[] = [{ module: name, version: 1, name: 'broken', sql: `CREATE TABLE ${name} (x int)\n;\nINSERT INTO nowhere VALUES (1)` }];
    await expect(migrate(engine(), bad)).rejects.toBeInstanceOf(SqlError);
    expect((await engine().query(`SELECT to_regclass($1) AS t`, [name])).rows).toEqual([{ t: null }]);
  });
});
