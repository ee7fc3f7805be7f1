// Statistics-based bloat estimates, adapted from ioguix's pgsql-bloat-estimation
// (github.com/ioguix/pgsql-bloat-estimation, BSD licence), the queries temboard and check_pgactivity
// use: table/table_bloat.sql (the "pgexperts" table estimate, reworked) and btree/btree_bloat.sql
// (the pg_stats variant, not the superuser-only pg_statistic one).
//
// How they work: from pg_stats' average width and null fraction of each column they compute the
// size of an average row (or index tuple) with its header and alignment padding, from reltuples
// the number of pages the rows need at the relation's fillfactor, and call bloat whatever
// relpages holds beyond that.
//
// Known limits, which the UI and README repeat:
// - Estimates, only as fresh as the last ANALYZE (pg_stats, reltuples) and VACUUM (relpages).
// - pg_stats shows a column only to roles that may SELECT it: for a pg_monitor role the user
//   tables' bloat is unknown (null here) unless it is also granted SELECT (or pg_read_all_data,
//   14+). Expression index columns have statistics only the index owner sees.
// - Alignment padding the queries cannot model is counted as bloat (up to ~10% on some tables);
//   small relations show a large share of "bloat" (a half-filled last page); TOAST is guessed at
//   four rows per page.
// - Columns of type `name` (most of pg_catalog) have misleading widths (is_na in the original):
//   those estimates are kept but are not to be trusted; negative estimates are clamped to 0.
// - B-tree indexes only: other access methods (GIN, GiST, hash, BRIN) get no estimate (null).
// Changes from the originals: no relhasoids (gone in PostgreSQL 12); a table never vacuumed nor
// analyzed (row_estimate null, see rowEstimateSql; its relpages is 0 too) has no estimate, an
// index's −1 reads as 0; a relation with a column lacking statistics gets null rather than an
// estimate built on a guessed 1024-byte width, unless it has no rows (then every page but a
// B-tree's metapage is free); a table without pages has no bloat; partitioned tables ('p', no
// storage) are left out; both queries take their relations from the `tables` CTE (views-sql.ts),
// not the whole catalog.

/** MAXALIGN of the server: 8 on 64-bit builds, 4 on 32-bit ones. */
const MAXALIGN = `CASE WHEN version() ~ 'mingw32' OR version() ~ '64-bit|x86_64|ppc64|ia64|amd64' THEN 8 ELSE 4 END`

/** A fillfactor from reloptions, or the access method's default. */
export function fillfactor(reloptions: string, fallback: number): string {
  return `coalesce(substring(array_to_string(${reloptions}, ' ') FROM 'fillfactor=([0-9]+)')::smallint, ${fallback})`
}

/** table_bloat(tblid, bloat_bytes): one row per plain table of the `tables` CTE that has columns. */
export const TABLE_BLOAT_CTE = `
table_bloat AS (
  SELECT tblid,
    CASE WHEN never_counted OR (NOT has_stats AND tblpages > 0) THEN NULL
         WHEN tblpages = 0 THEN 0
         ELSE (greatest(tblpages - est_tblpages_ff, 0) * bs)::bigint
    END AS bloat_bytes
  FROM (
    SELECT tblid, bs, heappages + toastpages AS tblpages, has_stats, never_counted,
      ceil(reltuples / ((bs - page_hdr) * fillfactor / (tpl_size * 100))) + ceil(toasttuples / 4) AS est_tblpages_ff
    FROM (
      SELECT tblid, bs, page_hdr, heappages, toastpages, reltuples, toasttuples, fillfactor, has_stats, never_counted,
        (4 + tpl_hdr_size + tpl_data_size + (2 * ma)
          - CASE WHEN tpl_hdr_size % ma = 0 THEN ma ELSE tpl_hdr_size % ma END
          - CASE WHEN ceil(tpl_data_size)::int % ma = 0 THEN ma ELSE ceil(tpl_data_size)::int % ma END
        ) AS tpl_size
      FROM (
        SELECT tbl.oid AS tblid,
          -- Until the first VACUUM or ANALYZE relpages is 0, whatever the table holds.
          tbl.row_estimate IS NULL AS never_counted,
          greatest(c.reltuples, 0) AS reltuples,
          c.relpages AS heappages,
          coalesce(toast.relpages, 0) AS toastpages,
          greatest(coalesce(toast.reltuples, 0), 0) AS toasttuples,
          ${fillfactor('c.reloptions', 100)} AS fillfactor,
          current_setting('block_size')::numeric AS bs,
          ${MAXALIGN} AS ma,
          24 AS page_hdr,
          23 + CASE WHEN max(coalesce(s.null_frac, 0)) > 0 THEN (7 + count(*)) / 8 ELSE 0 END AS tpl_hdr_size,
          sum((1 - coalesce(s.null_frac, 0)) * coalesce(s.avg_width, 1024)) AS tpl_data_size,
          -- An empty table has no statistics to read, and needs none: all its pages are free.
          count(s.attname) = count(*) OR c.reltuples = 0 AS has_stats
        FROM tables tbl
          JOIN pg_catalog.pg_class c ON c.oid = tbl.oid AND c.relkind = 'r'
          JOIN pg_catalog.pg_attribute att ON att.attrelid = tbl.oid AND att.attnum > 0 AND NOT att.attisdropped
          LEFT JOIN pg_catalog.pg_stats s ON s.schemaname = tbl.nspname AND s.tablename = tbl.relname
            AND NOT s.inherited AND s.attname = att.attname
          LEFT JOIN pg_catalog.pg_class toast ON toast.oid = c.reltoastrelid
        GROUP BY tbl.oid, tbl.row_estimate, c.reltuples, c.relpages, c.reloptions, toast.relpages, toast.reltuples
      ) AS per_table
    ) AS with_tuple_size
  ) AS with_estimate
)`

/** index_bloat(idxoid, tbloid, bloat_bytes): one row per non-empty B-tree index of the `tables` CTE. */
export const BTREE_BLOAT_CTE = `
index_bloat AS (
  SELECT idxoid, tbloid,
    CASE WHEN NOT has_stats THEN NULL
         WHEN relpages > est_pages_ff THEN (bs * (relpages - est_pages_ff))::bigint
         ELSE 0
    END AS bloat_bytes
  FROM (
    SELECT idxoid, tbloid, bs, relpages, has_stats,
      coalesce(1 + ceil(greatest(reltuples, 0) / floor((bs - pageopqdata - pagehdr) * fillfactor / (100 * (4 + nulldatahdrwidth)::float))), 0) AS est_pages_ff
    FROM (
      SELECT idxoid, tbloid, bs, relpages, reltuples, fillfactor, pagehdr, pageopqdata, has_stats,
        (index_tuple_hdr_bm
          + maxalign - CASE WHEN index_tuple_hdr_bm % maxalign = 0 THEN maxalign ELSE index_tuple_hdr_bm % maxalign END
          + nulldatawidth
          + maxalign - CASE WHEN nulldatawidth = 0 THEN 0
                            WHEN nulldatawidth::integer % maxalign = 0 THEN maxalign
                            ELSE nulldatawidth::integer % maxalign END
        )::numeric AS nulldatahdrwidth
      FROM (
        SELECT cols.idxoid, cols.tbloid, cols.reltuples, cols.relpages, cols.fillfactor,
          current_setting('block_size')::numeric AS bs,
          ${MAXALIGN} AS maxalign,
          24 AS pagehdr,
          16 AS pageopqdata,
          -- IndexTupleData, plus the null bitmap when a column has nulls.
          CASE WHEN max(coalesce(s.null_frac, 0)) = 0 THEN 2 ELSE 2 + ((32 + 8 - 1) / 8) END AS index_tuple_hdr_bm,
          sum((1 - coalesce(s.null_frac, 0)) * coalesce(s.avg_width, 1024)) AS nulldatawidth,
          count(s.attname) = count(*) OR cols.reltuples = 0 AS has_stats
        FROM (
          SELECT ci.oid AS idxoid, tbl.oid AS tbloid, tbl.nspname, ci.reltuples, ci.relpages,
            ${fillfactor('ci.reloptions', 90)} AS fillfactor,
            -- A plain column has its statistics on the table, an expression on the index.
            CASE WHEN a1.attnum IS NULL THEN ci.relname ELSE tbl.relname END AS attrelname,
            coalesce(a1.attname, a2.attname) AS attname
          FROM tables tbl
            JOIN pg_catalog.pg_index x ON x.indrelid = tbl.oid
            JOIN pg_catalog.pg_class ci ON ci.oid = x.indexrelid AND ci.relpages > 0
            JOIN pg_catalog.pg_am am ON am.oid = ci.relam AND am.amname = 'btree'
            CROSS JOIN LATERAL pg_catalog.generate_series(1, x.indnatts) AS pos(n)
            LEFT JOIN pg_catalog.pg_attribute a1 ON x.indkey[pos.n - 1] <> 0
              AND a1.attrelid = tbl.oid AND a1.attnum = x.indkey[pos.n - 1]
            LEFT JOIN pg_catalog.pg_attribute a2 ON x.indkey[pos.n - 1] = 0
              AND a2.attrelid = ci.oid AND a2.attnum = pos.n
        ) AS cols
        LEFT JOIN pg_catalog.pg_stats s ON s.schemaname = cols.nspname AND s.tablename = cols.attrelname
          AND s.attname = cols.attname AND NOT s.inherited
        GROUP BY cols.idxoid, cols.tbloid, cols.reltuples, cols.relpages, cols.fillfactor
      ) AS per_index
    ) AS with_tuple_size
  ) AS with_estimate
)`
