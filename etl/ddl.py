"""The database's layout: tables in schema `core`, and the views that are its public contract
(docs/database.md). Kept apart from the build so the contract reads in one place."""

from __future__ import annotations

from etl import changes

SCHEMA_VERSION = 10  # 7: view availability; 8: change, claim_status, build.comparison; 9: UNHCR asylum, flows,
# solutions, demographics; 10: claim_figure origin_areas, detail (every checker metric)
DDL = """
CREATE SCHEMA core;
CREATE TABLE core.area (code INTEGER PRIMARY KEY, iso3 VARCHAR, name_en VARCHAR NOT NULL,
  name_es VARCHAR NOT NULL, name_fr VARCHAR NOT NULL, name_pt VARCHAR NOT NULL, kind VARCHAR NOT NULL, region INTEGER, subregion INTEGER,
  oas_member BOOLEAN NOT NULL, sids BOOLEAN NOT NULL);
CREATE TABLE core.stock (revision SMALLINT, year SMALLINT, destination_code INTEGER,
  origin_code INTEGER, sex VARCHAR, migrants BIGINT NOT NULL,
  PRIMARY KEY (revision, year, destination_code, origin_code, sex));
CREATE TABLE core.stock_share (revision SMALLINT, year SMALLINT, area_code INTEGER, sex VARCHAR,
  percent_of_population DOUBLE NOT NULL, PRIMARY KEY (revision, year, area_code, sex));
CREATE TABLE core.population (revision SMALLINT, year SMALLINT, area_code INTEGER, sex VARCHAR,
  population_thousands DOUBLE NOT NULL, PRIMARY KEY (revision, year, area_code, sex));
CREATE TABLE core.refugee_stock (revision SMALLINT, year SMALLINT, area_code INTEGER,
  refugees BIGINT NOT NULL, PRIMARY KEY (revision, year, area_code));
CREATE TABLE core.indicator (series VARCHAR, area_code INTEGER, year SMALLINT, value DOUBLE NOT NULL,
  unit VARCHAR NOT NULL, source VARCHAR NOT NULL, revision VARCHAR NOT NULL, variant VARCHAR NOT NULL,
  PRIMARY KEY (series, area_code, year, revision, variant));
CREATE TABLE core.displacement (revision SMALLINT, vintage VARCHAR, year SMALLINT, origin_code INTEGER,
  asylum_code INTEGER, population VARCHAR, persons BIGINT NOT NULL,
  PRIMARY KEY (vintage, year, origin_code, asylum_code, population));
-- issue 25: UNHCR's refugees package beside `population`, every release side by side
CREATE TABLE core.asylum_application (revision SMALLINT, vintage VARCHAR, year SMALLINT, origin_code INTEGER,
  asylum_code INTEGER, procedure_type VARCHAR, application_type VARCHAR, decision_level VARCHAR, basis VARCHAR,
  applied BIGINT NOT NULL,
  PRIMARY KEY (vintage, year, origin_code, asylum_code, procedure_type, application_type, decision_level, basis));
CREATE TABLE core.asylum_decision (revision SMALLINT, vintage VARCHAR, year SMALLINT, origin_code INTEGER,
  asylum_code INTEGER, procedure_type VARCHAR, decision_level VARCHAR, basis VARCHAR, recognized BIGINT NOT NULL,
  complementary BIGINT NOT NULL, rejected BIGINT NOT NULL, otherwise_closed BIGINT NOT NULL,
  total_decisions BIGINT NOT NULL,
  PRIMARY KEY (vintage, year, origin_code, asylum_code, procedure_type, decision_level, basis));
CREATE TABLE core.displacement_flow (revision SMALLINT, vintage VARCHAR, year SMALLINT, origin_code INTEGER,
  asylum_code INTEGER, population VARCHAR, persons BIGINT NOT NULL,
  PRIMARY KEY (vintage, year, origin_code, asylum_code, population));
CREATE TABLE core.durable_solution (revision SMALLINT, vintage VARCHAR, year SMALLINT, origin_code INTEGER,
  asylum_code INTEGER, solution VARCHAR, persons BIGINT NOT NULL,
  PRIMARY KEY (vintage, year, origin_code, asylum_code, solution));
CREATE TABLE core.refugee_demographics (revision SMALLINT, vintage VARCHAR, year SMALLINT, origin_code INTEGER,
  asylum_code INTEGER, population VARCHAR, location VARCHAR, location_type VARCHAR, accommodation_type VARCHAR,
  sex VARCHAR, age_group VARCHAR, persons BIGINT NOT NULL,
  PRIMARY KEY (vintage, year, origin_code, asylum_code, population, location, location_type, accommodation_type,
               sex, age_group));
-- end issue 25
CREATE TABLE core.bilateral_stock (source VARCHAR, edition SMALLINT, year SMALLINT, origin_code INTEGER,
  destination_code INTEGER, migrants BIGINT NOT NULL,
  PRIMARY KEY (source, edition, year, origin_code, destination_code));
CREATE TABLE core.migration_flow (source VARCHAR, vintage VARCHAR, year SMALLINT, destination_code INTEGER,
  category VARCHAR, flow_type VARCHAR, persons DOUBLE NOT NULL, status VARCHAR);
CREATE TABLE core.missing_migrants (incident_id VARCHAR, part SMALLINT, date TIMESTAMP, year SMALLINT, region VARCHAR,
  country_code INTEGER, route VARCHAR, dead INTEGER, missing INTEGER, dead_and_missing INTEGER NOT NULL,
  survivors INTEGER, cause VARCHAR, latitude DOUBLE, longitude DOUBLE, source_quality SMALLINT, vintage VARCHAR,
  PRIMARY KEY (incident_id, part));
CREATE TABLE core.missing_migrants_coverage (year SMALLINT PRIMARY KEY, coverage VARCHAR NOT NULL, vintage VARCHAR);
CREATE TABLE core.internal_displacement (vintage VARCHAR, year SMALLINT, area_code INTEGER, cause VARCHAR,
  measure VARCHAR, persons BIGINT NOT NULL, persons_rounded BIGINT);
CREATE TABLE core.disaster_events_by_hazard (vintage VARCHAR, year SMALLINT, area_code INTEGER, hazard VARCHAR,
  persons BIGINT NOT NULL);
CREATE TABLE core.bilateral_check (source VARCHAR, edition SMALLINT, year SMALLINT, "check" VARCHAR,
  origin VARCHAR, destination VARCHAR, cell VARCHAR, published DOUBLE, sum_of_parts DOUBLE, difference DOUBLE,
  note VARCHAR);
CREATE TABLE core.series (code VARCHAR PRIMARY KEY, name_en VARCHAR, name_es VARCHAR, name_fr VARCHAR,
  name_pt VARCHAR, unit VARCHAR,
  source VARCHAR, licence VARCHAR, citation VARCHAR, description VARCHAR);
CREATE TABLE core.provenance (source VARCHAR, dataset VARCHAR PRIMARY KEY, revision SMALLINT,
  vintage VARCHAR, url VARCHAR, fetched_from VARCHAR, publisher VARCHAR, licence VARCHAR, licence_url VARCHAR,
  citation VARCHAR, retrieved_at VARCHAR, sha256 VARCHAR, bytes BIGINT, rows BIGINT);
CREATE TABLE core.claim (claim_id VARCHAR PRIMARY KEY, document_id VARCHAR, document_title VARCHAR,
  document_date VARCHAR, document_language VARCHAR, document_symbol VARCHAR, quote VARCHAR,
  cited_source VARCHAR, cited_revision SMALLINT, sentence_en VARCHAR, sentence_es VARCHAR, sentence_fr VARCHAR,
  sentence_pt VARCHAR);
CREATE TABLE core.claim_figure (claim_id VARCHAR, figure_id VARCHAR, metric VARCHAR, areas VARCHAR,
  minus_areas VARCHAR, year SMALLINT, base_year SMALLINT, refresh VARCHAR, sex VARCHAR, value DOUBLE,
  unit VARCHAR, decimals SMALLINT, qualifier VARCHAR, part_of VARCHAR, checkable_with VARCHAR, checkable_with_es VARCHAR,
  checkable_with_fr VARCHAR, checkable_with_pt VARCHAR, origin_areas VARCHAR, detail VARCHAR,
  PRIMARY KEY (claim_id, figure_id));
CREATE TABLE core.grouping (grouping VARCHAR PRIMARY KEY, code INTEGER NOT NULL, name_en VARCHAR,
  name_es VARCHAR, name_fr VARCHAR, name_pt VARCHAR, source VARCHAR, roster_note_en VARCHAR, roster_note_es VARCHAR,
  roster_note_fr VARCHAR, roster_note_pt VARCHAR);
CREATE TABLE core.area_group (grouping VARCHAR, member_code INTEGER, since VARCHAR NOT NULL, until VARCHAR,
  roster BOOLEAN NOT NULL, note VARCHAR, PRIMARY KEY (grouping, member_code));
CREATE TABLE core.build (build_id VARCHAR, built_at VARCHAR, code_version VARCHAR,
  schema_version INTEGER, fingerprint VARCHAR, built_from VARCHAR, row_counts VARCHAR, comparison VARCHAR,
  compared_with VARCHAR, compared_built_at VARCHAR);
CREATE VIEW area AS SELECT code, iso3, name_en, name_es, name_fr, name_pt, kind, region, subregion,
  oas_member, sids FROM core.area;
CREATE VIEW grouping AS SELECT * FROM core.grouping;
CREATE VIEW area_group AS SELECT grouping, member_code, since, until, note, roster FROM core.area_group;
CREATE VIEW stock_by_group AS
  WITH members AS (SELECT g.grouping, g.code, m.member_code FROM core.grouping g
                   JOIN core.area_group m ON m.grouping = g.grouping AND m.roster),
  totals AS (SELECT grouping, count(*) AS members_total FROM members GROUP BY grouping)
  SELECT m.grouping, m.code AS area_code, s.revision, s.year, s.sex, sum(s.migrants) AS migrants,
         count(*) AS members_counted, t.members_total
  FROM members m JOIN core.stock s ON s.destination_code = m.member_code AND s.origin_code = 900
  JOIN totals t ON t.grouping = m.grouping
  GROUP BY m.grouping, m.code, s.revision, s.year, s.sex, t.members_total;
CREATE VIEW stock AS SELECT revision, year, destination_code, origin_code, sex, migrants FROM core.stock;
CREATE VIEW stock_share AS SELECT revision, year, area_code, sex, percent_of_population FROM core.stock_share;
CREATE VIEW population AS SELECT revision, year, area_code, sex, population_thousands FROM core.population;
CREATE VIEW refugee_stock AS SELECT revision, year, area_code, refugees FROM core.refugee_stock;
CREATE VIEW indicator_vintages AS SELECT series, area_code, year, value, unit, source, revision, variant,
  revision = max(revision) OVER (PARTITION BY series) AS newest FROM core.indicator;
CREATE VIEW indicator AS SELECT series, area_code, year, value, unit, source, revision FROM indicator_vintages
  WHERE newest AND variant = 'estimate';
CREATE VIEW series AS SELECT code, name_en, name_es, name_fr, name_pt, unit, source, licence, citation, description
  FROM core.series;
CREATE VIEW indicator_by_revision AS SELECT CAST(left(v.revision, 4) AS SMALLINT) AS revision,
  v.revision AS vintage, v.year, v.area_code, v.series, v.value, v.unit, v.source FROM indicator_vintages v
  WHERE v.variant = 'estimate' QUALIFY v.revision = max(v.revision) OVER (PARTITION BY v.series, left(v.revision, 4));
CREATE VIEW remittances AS SELECT * EXCLUDE (source) FROM indicator_by_revision WHERE source = 'worldbank';
CREATE VIEW unhcr_refugees AS SELECT * EXCLUDE (source) FROM indicator_by_revision WHERE source = 'unhcr';
CREATE VIEW net_migration AS SELECT * EXCLUDE (source) FROM indicator_by_revision WHERE source = 'wpp';
CREATE VIEW net_migration_projection AS SELECT CAST(revision AS SMALLINT) AS revision, year, area_code, series,
  value, unit FROM core.indicator WHERE source = 'wpp' AND variant = 'projection';
CREATE VIEW displacement AS SELECT revision, vintage, year, origin_code, asylum_code, population, persons
  FROM core.displacement;
-- issue 25: the UNHCR package tables; asylum_decision with UNHCR's total recognition rate
CREATE VIEW asylum_application AS SELECT * FROM core.asylum_application;
CREATE VIEW asylum_decision AS SELECT *, total_decisions - otherwise_closed AS substantive_decisions,
  CASE WHEN total_decisions - otherwise_closed > 0
       THEN (recognized + complementary) / (total_decisions - otherwise_closed) END AS total_recognition_rate
  FROM core.asylum_decision;
CREATE VIEW displacement_flow AS SELECT * FROM core.displacement_flow;
CREATE VIEW durable_solution AS SELECT * FROM core.durable_solution;
CREATE VIEW refugee_demographics AS SELECT * FROM core.refugee_demographics;
-- end issue 25
CREATE VIEW bilateral_stock AS SELECT source, edition, year, origin_code, destination_code, migrants
  FROM core.bilateral_stock;
CREATE VIEW bilateral_check AS SELECT * FROM core.bilateral_check;
CREATE VIEW migration_flow AS SELECT * FROM core.migration_flow;
CREATE VIEW missing_migrants AS SELECT * FROM core.missing_migrants;
CREATE VIEW missing_migrants_coverage AS SELECT * FROM core.missing_migrants_coverage;
CREATE VIEW internal_displacement AS SELECT * FROM core.internal_displacement;
CREATE VIEW disaster_events_by_hazard AS SELECT * FROM core.disaster_events_by_hazard;
-- issue 25: one row per area, series and year of the UNHCR package tables (newest release of each table)
CREATE VIEW unhcr_package_observed AS
  SELECT DISTINCT asylum_code AS area_code, 'unhcr.asylum_applications.asylum' AS series, year, vintage
    FROM core.asylum_application QUALIFY vintage = max(vintage) OVER ()
  UNION ALL SELECT DISTINCT origin_code, 'unhcr.asylum_applications.origin', year, vintage
    FROM core.asylum_application QUALIFY vintage = max(vintage) OVER ()
  UNION ALL SELECT DISTINCT asylum_code, 'unhcr.asylum_decisions.asylum', year, vintage
    FROM core.asylum_decision QUALIFY vintage = max(vintage) OVER ()
  UNION ALL SELECT DISTINCT asylum_code, 'unhcr.flows.asylum', year, vintage
    FROM core.displacement_flow QUALIFY vintage = max(vintage) OVER ()
  UNION ALL SELECT DISTINCT origin_code, 'unhcr.flows.origin', year, vintage
    FROM core.displacement_flow QUALIFY vintage = max(vintage) OVER ()
  UNION ALL SELECT DISTINCT asylum_code, 'unhcr.' || solution || '.asylum', year, vintage
    FROM core.durable_solution WHERE solution IN ('resettlement', 'naturalisation')
    QUALIFY vintage = max(vintage) OVER ()
  UNION ALL SELECT DISTINCT origin_code, 'unhcr.returned_refugees.origin', year, vintage
    FROM core.durable_solution WHERE solution = 'returned_refugees' QUALIFY vintage = max(vintage) OVER ()
  UNION ALL SELECT DISTINCT asylum_code, 'unhcr.demographics.asylum', year, vintage
    FROM core.refugee_demographics WHERE sex <> 'total' QUALIFY vintage = max(vintage) OVER ();
CREATE VIEW availability AS
  WITH observed AS (
    SELECT destination_code AS area_code, 'undesa_ims' AS source, 'undesa_ims.stock.destination' AS series, year,
           CAST(revision AS VARCHAR) AS vintage
      FROM core.stock WHERE origin_code = 900 AND sex = 'total' QUALIFY revision = max(revision) OVER ()
    UNION ALL SELECT origin_code, 'undesa_ims', 'undesa_ims.stock.origin', year, CAST(revision AS VARCHAR)
      FROM core.stock WHERE destination_code = 900 AND origin_code <> 900 AND sex = 'total'
      QUALIFY revision = max(revision) OVER ()
    UNION ALL SELECT area_code, source, series, year, revision FROM indicator
      WHERE NOT (value = 0 AND unit IN ('current US$', '% of GDP'))  -- a placeholder: readside/reporting.py
    UNION ALL SELECT destination_code, source, source || '.stock.destination', year, CAST(edition AS VARCHAR)
      FROM core.bilateral_stock QUALIFY edition = max(edition) OVER (PARTITION BY source)
    UNION ALL SELECT origin_code, source, source || '.stock.origin', year, CAST(edition AS VARCHAR)
      FROM core.bilateral_stock QUALIFY edition = max(edition) OVER (PARTITION BY source)
    UNION ALL SELECT destination_code, source, source || '.' || flow_type || '.destination', year, vintage
      FROM core.migration_flow QUALIFY vintage = max(vintage) OVER (PARTITION BY source, flow_type)
    UNION ALL SELECT country_code, 'iom_missing_migrants', 'iom_missing_migrants.dead_and_missing.incident_country',
           year, vintage
      FROM (SELECT DISTINCT incident_id, country_code, year, vintage FROM core.missing_migrants
            WHERE country_code IS NOT NULL)
    UNION ALL SELECT area_code, 'idmc', 'idmc.' || cause || '.' || measure, year, vintage
      FROM core.internal_displacement QUALIFY vintage = max(vintage) OVER (PARTITION BY cause, measure)
    UNION ALL SELECT area_code, 'unhcr', series, year, vintage FROM unhcr_package_observed)
  SELECT area_code, source, series, min(year) AS first_year, max(year) AS latest_year,
         string_agg(DISTINCT vintage, ', ' ORDER BY vintage) AS vintage, count(*) AS observations
  FROM observed GROUP BY area_code, source, series;
CREATE VIEW provenance AS SELECT source, revision, vintage, url, publisher, licence, retrieved_at, sha256, rows,
  dataset, fetched_from, licence_url, citation, bytes FROM core.provenance;
CREATE VIEW claim AS SELECT * FROM core.claim;
CREATE VIEW claim_figure AS SELECT * FROM core.claim_figure;
CREATE VIEW build AS SELECT * FROM core.build;
"""
DDL += changes.DDL  # what changed since the previous build, and the claims' statuses (etl/changes.py)
