/** Which engine TOLLGATE_DB names: a postgres:// URL is PostgreSQL (db/pg), anything else a SQLite file. */
export const isPostgresUrl = (value: string) => /^postgres(ql)?:\/\//i.test(value);
