-- The analytics report's factor figures as one hand-written DuckDB query over the export's
-- Parquet files, written independently of the Ibis expressions (acuback.analytics.queries).
-- The tests check the report against it; bench/bench_analytics.py times it as the baseline.
-- {dir} is the export folder. The responder rule here is the NRS one of instruments.yaml
-- (at least 2 points or 30% of baseline), written out by hand on purpose.
WITH per AS (
    SELECT course_key, count(*) AS signed,
           date_diff('day', min(session_on), max(session_on)) // 7 + 1 AS weeks
    FROM read_parquet('{dir}/sessions.parquet')
    GROUP BY course_key
),
facts AS (
    SELECT c.*, coalesce(p.signed, 0) AS attended, p.signed / p.weeks AS per_week,
           c.baseline - c.final AS gain,
           (round(c.baseline - c.final, 9) >= 2
            OR (c.baseline > 0 AND round(round(c.baseline - c.final, 9) / c.baseline * 100, 9) >= 30)) AS met
    FROM read_parquet('{dir}/courses.parquet') c LEFT JOIN per p USING (course_key)
    WHERE c.instrument = 'nrs' AND c.scores >= 2
),
levels AS (
    SELECT 'condition' AS factor, coalesce(condition, 'not recorded') AS level, met, gain FROM facts
    UNION ALL SELECT 'chronicity', coalesce(chronicity, 'not recorded'), met, gain FROM facts
    UNION ALL SELECT 'sessions_per_week', CASE WHEN per_week IS NULL THEN 'not recorded'
        WHEN per_week < 1.5 THEN '1 or fewer' WHEN per_week < 2.5 THEN '2' ELSE '3 or more' END, met, gain FROM facts
    UNION ALL SELECT 'sessions', CASE WHEN attended < 6 THEN '1-5' WHEN attended < 11 THEN '6-10'
        WHEN attended < 16 THEN '11-15' ELSE '16 or more' END, met, gain FROM facts
    UNION ALL SELECT 'expectation', CASE WHEN expectation IS NULL THEN 'not recorded'
        WHEN expectation < 4 THEN '0-3' WHEN expectation < 7 THEN '4-6' ELSE '7-10' END, met, gain FROM facts
    UNION ALL SELECT 'prior_acupuncture', CASE WHEN prior_acupuncture IS NULL THEN 'not recorded'
        WHEN prior_acupuncture THEN 'yes' ELSE 'no' END, met, gain FROM facts
    UNION ALL SELECT 'startback', coalesce(startback, 'not recorded'), met, gain FROM facts
    UNION ALL SELECT 'practitioner', coalesce(practitioner_key, 'not recorded'), met, gain FROM facts
    UNION ALL SELECT 'practitioner_experience', CASE WHEN practitioner_years IS NULL THEN 'not recorded'
        WHEN practitioner_years < 5 THEN 'under 5' WHEN practitioner_years < 10 THEN '5-9'
        WHEN practitioner_years < 20 THEN '10-19' ELSE '20 or more' END, met, gain FROM facts
)
SELECT factor, level, count(*) AS n, sum(CAST(met AS INTEGER)) AS responders,
       avg(gain) AS mean_change, stddev_samp(gain) AS sd_change
FROM levels GROUP BY factor, level ORDER BY factor, level
