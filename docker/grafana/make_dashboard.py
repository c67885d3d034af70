#!/usr/bin/env python3
"""Writes dashboards/pg_gateway.json, the pg_gateway overview dashboard.

The JSON is generated so that panel ids, grid positions and datasource
references stay consistent; edit this file and run it again
(python3 docker/grafana/make_dashboard.py), then commit both. test/deploy
checks that the committed JSON is what this script writes.
"""
import json
import os
import sys

PROM = {"type": "prometheus", "uid": "prometheus"}
LOKI = {"type": "loki", "uid": "loki"}
INST = 'instance=~"$instance"'

panels = []
y = 0
next_id = 1


def row(title):
    global y, next_id
    panels.append({"type": "row", "title": title, "id": next_id, "collapsed": False,
                   "gridPos": {"h": 1, "w": 24, "x": 0, "y": y}, "panels": []})
    next_id += 1
    y += 1


def line(cells, h=8):
    """cells: list of (width, panel) placed left to right on one line."""
    global y, next_id
    x = 0
    for w, p in cells:
        p["id"] = next_id
        next_id += 1
        p["gridPos"] = {"h": h, "w": w, "x": x, "y": y}
        panels.append(p)
        x += w
    assert x <= 24, "a line is 24 units wide"
    y += h


def ts(title, targets, unit="short", ds=PROM, stack=False, description=""):
    return {
        "type": "timeseries", "title": title, "description": description, "datasource": ds,
        "fieldConfig": {"defaults": {"unit": unit, "custom": {
            "drawStyle": "line", "lineWidth": 1, "fillOpacity": 10,
            "stacking": {"mode": "normal" if stack else "none", "group": "A"}}},
            "overrides": []},
        "options": {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": True},
                    "tooltip": {"mode": "multi", "sort": "desc"}},
        "targets": [dict(t, datasource=ds, refId=chr(ord("A") + i)) for i, t in enumerate(targets)],
    }


def stat(title, expr, unit="short", thresholds=None, description=""):
    steps = thresholds or [{"color": "green", "value": None}]
    return {
        "type": "stat", "title": title, "description": description, "datasource": PROM,
        "fieldConfig": {"defaults": {"unit": unit, "thresholds": {"mode": "absolute", "steps": steps}},
                        "overrides": []},
        "options": {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                    "colorMode": "background", "graphMode": "none", "textMode": "auto"},
        "targets": [{"expr": expr, "refId": "A", "datasource": PROM, "instant": True}],
    }


def table(title, expr, description=""):
    return {
        "type": "table", "title": title, "description": description, "datasource": PROM,
        "fieldConfig": {"defaults": {}, "overrides": []},
        "options": {"showHeader": True},
        "targets": [{"expr": expr, "refId": "A", "datasource": PROM, "instant": True,
                     "format": "table"}],
        "transformations": [{"id": "organize", "options": {"excludeByName": {"Time": True}}}],
    }


def q(expr, legend):
    return {"expr": expr, "legendFormat": legend}


def logs(title, expr):
    return {
        "type": "logs", "title": title, "datasource": LOKI,
        "options": {"showTime": True, "wrapLogMessage": True, "sortOrder": "Descending",
                    "enableLogDetails": True, "dedupStrategy": "none", "prettifyLogMessage": False},
        "targets": [{"expr": expr, "refId": "A", "datasource": LOKI, "queryType": "range"}],
    }


RED = [{"color": "green", "value": None}, {"color": "red", "value": 1}]

row("Overview")
line([
    (4, stat("pg_gateway up", f"min(pg_gateway_up{{{INST}}}) or vector(0)", thresholds=[
        {"color": "red", "value": None}, {"color": "green", "value": 1}])),
    (4, stat("PostgreSQL up", "min(pg_up) or vector(0)", thresholds=[
        {"color": "red", "value": None}, {"color": "green", "value": 1}])),
    (4, stat("Requests/s", f"sum(rate(pg_gateway_http_requests_total{{{INST}}}[5m]))", "reqps")),
    (4, stat("5xx ratio (5m)",
             f'sum(rate(pg_gateway_http_requests_total{{{INST},status_class="5xx"}}[5m])) / '
             f"sum(rate(pg_gateway_http_requests_total{{{INST}}}[5m]))", "percentunit",
             [{"color": "green", "value": None}, {"color": "red", "value": 0.05}])),
    (4, stat("Oldest due job", f"max(pg_gateway_jobs_oldest_due_age_seconds{{{INST}}})", "s",
             [{"color": "green", "value": None}, {"color": "orange", "value": 60},
              {"color": "red", "value": 300}])),
    (4, stat("Newest backup age", "min(pgbackrest_backup_since_last_completion_seconds)", "s",
             [{"color": "green", "value": None}, {"color": "red", "value": 129600}])),
], h=4)
line([(24, table("Build", f"pg_gateway_build_info{{{INST}}}"))], h=4)

row("HTTP")
line([
    (12, ts("Requests by route and status class",
            [q(f"sum by (route, status_class) (rate(pg_gateway_http_requests_total{{{INST}}}[5m]))",
               "{{route}} {{status_class}}")], "reqps", stack=True)),
    (12, ts("Latency by route (p50, p95, p99)",
            [q(f"histogram_quantile({p}, sum by (route, le) (rate(pg_gateway_http_request_duration_seconds_bucket{{{INST}}}[5m])))",
               f"{{{{route}}}} p{int(p * 100)}") for p in (0.5, 0.95, 0.99)], "s")),
])
line([
    (8, ts("Open connections", [q(f"sum(pg_gateway_http_connections_open{{{INST}}})", "open")])),
    (8, ts("Connections accepted / rejected",
           [q(f"sum(rate(pg_gateway_http_connections_accepted_total{{{INST}}}[5m]))", "accepted"),
            q(f"sum(rate(pg_gateway_http_connections_rejected_total{{{INST}}}[5m]))", "rejected (max_connections)")],
           "ops")),
    (8, ts("Parse errors, timeouts, rate-limit refusals",
           [q(f"sum(rate(pg_gateway_http_parse_errors_total{{{INST}}}[5m]))", "parse errors"),
            q(f"sum(rate(pg_gateway_http_timeouts_total{{{INST}}}[5m]))", "timeouts"),
            q(f"sum(rate(pg_gateway_rate_limit_refusals_total{{{INST}}}[5m]))", "rate limited")], "ops")),
])

row("GraphQL and tokens")
line([
    (8, ts("GraphQL phase p95",
           [q(f"histogram_quantile(0.95, sum by (phase, le) (rate(pg_gateway_graphql_phase_duration_seconds_bucket{{{INST}}}[5m])))",
              "{{phase}}")], "s")),
    (8, ts("Cache hit ratios",
           [q(f"sum(rate(pg_gateway_graphql_plan_cache_hits_total{{{INST}}}[5m])) / (sum(rate(pg_gateway_graphql_plan_cache_hits_total{{{INST}}}[5m])) + sum(rate(pg_gateway_graphql_plan_cache_misses_total{{{INST}}}[5m])))",
              "plan cache"),
            q(f"sum(rate(pg_gateway_graphql_response_cache_hits_total{{{INST}}}[5m])) / (sum(rate(pg_gateway_graphql_response_cache_hits_total{{{INST}}}[5m])) + sum(rate(pg_gateway_graphql_response_cache_misses_total{{{INST}}}[5m])))",
              "response cache")], "percentunit")),
    (8, ts("Schema builds, refusals, JWT failures",
           [q(f"sum(increase(pg_gateway_graphql_schema_builds_total{{{INST}}}[5m]))", "schema builds"),
            q(f"sum by (reason) (rate(pg_gateway_graphql_refusals_total{{{INST}}}[5m]))", "refused: {{reason}}"),
            q(f"sum(rate(pg_gateway_jwt_verifications_total{{{INST}}}[5m]))", "JWT verified"),
            q(f"sum by (reason) (rate(pg_gateway_jwt_failures_total{{{INST}}}[5m]))", "JWT failed: {{reason}}")])),
])

row("Jobs")
line([
    (8, ts("Jobs by outcome",
           [q(f"sum by (task) (rate(pg_gateway_jobs_enqueued_total{{{INST}}}[5m]))", "enqueued {{task}}"),
            q(f"sum by (task) (rate(pg_gateway_jobs_started_total{{{INST}}}[5m]))", "started {{task}}"),
            q(f"sum by (task) (rate(pg_gateway_jobs_succeeded_total{{{INST}}}[5m]))", "succeeded {{task}}"),
            q(f"sum by (task) (rate(pg_gateway_jobs_retried_total{{{INST}}}[5m]))", "retried {{task}}"),
            q(f"sum by (task) (rate(pg_gateway_jobs_failed_total{{{INST}}}[5m]))", "failed {{task}}")], "ops")),
    (8, ts("Queue depth and oldest due job",
           [q(f"sum(pg_gateway_jobs_queue_depth{{{INST}}})", "due jobs"),
            q(f"max(pg_gateway_jobs_oldest_due_age_seconds{{{INST}}})", "oldest due (s)")])),
    (8, ts("Job duration p95 by task",
           [q(f"histogram_quantile(0.95, sum by (task, le) (rate(pg_gateway_job_duration_seconds_bucket{{{INST}}}[5m])))",
              "{{task}}")], "s")),
])

row("Webhooks, audit, workers")
line([
    (8, ts("Webhooks by source",
           [q(f"sum by (source) (rate(pg_gateway_webhook_received_total{{{INST}}}[5m]))", "received {{source}}"),
            q(f"sum by (source) (rate(pg_gateway_webhook_verified_total{{{INST}}}[5m]))", "verified {{source}}"),
            q(f"sum by (source) (rate(pg_gateway_webhook_duplicates_total{{{INST}}}[5m]))", "duplicates {{source}}"),
            q(f"sum by (source, reason) (rate(pg_gateway_webhook_refusals_total{{{INST}}}[5m]))", "refused {{source}} {{reason}}"),
            q(f"sum by (source) (pg_gateway_webhook_waiting{{{INST}}})", "waiting {{source}}")])),
    (8, ts("Audit rows and request log drops",
           [q(f"sum(rate(pg_gateway_audit_rows_total{{{INST}}}[5m]))", "audit rows/s"),
            q(f"sum(increase(pg_gateway_request_log_dropped_total{{{INST}}}[5m]))", "request log dropped (5m)")])),
    (8, ts("Worker starts and crashes",
           [q(f"sum by (kind) (increase(pg_gateway_worker_starts_total{{{INST}}}[15m]))", "starts {{kind}}"),
            q(f"sum by (kind) (increase(pg_gateway_worker_crashes_total{{{INST}}}[15m]))", "crashes {{kind}}")])),
])

row("PostgreSQL and backups")
line([
    (12, table("Slowest statements (mean seconds per call, 5m)",
               "topk(10, sum by (datname, queryid) (rate(pg_stat_statements_seconds_total[5m])) / "
               "sum by (datname, queryid) (rate(pg_stat_statements_calls_total[5m])))",
               "queryid is pg_stat_statements' queryid: SELECT query FROM pg_stat_statements WHERE queryid = ...")),
    (12, ts("Backup age by type",
            [q("pgbackrest_backup_since_last_completion_seconds", "{{stanza}} {{backup_type}}")], "s")),
])

row("Logs")
line([
    (24, logs("Access log: 5xx answers",
              '{job="pg_gateway", kind="access", status=~"5.."}')),
], h=8)
line([
    (24, logs("Access log (filter with | json | path=\"/graphql\")",
              '{job="pg_gateway", kind="access"} | json')),
], h=10)

dashboard = {
    "uid": "pg-gateway-overview",
    "title": "pg_gateway",
    "description": "pg_gateway's HTTP, GraphQL, jobs, webhooks and audit from its /metrics, "
                   "PostgreSQL from postgres_exporter, backups from the pgBackRest exporter, "
                   "the JSON access log from Loki.",
    "tags": ["pg_gateway"],
    "timezone": "utc",
    "editable": False,
    "graphTooltip": 1,
    "schemaVersion": 39,
    "version": 1,
    "refresh": "30s",
    "time": {"from": "now-6h", "to": "now"},
    "timepicker": {},
    "annotations": {"list": []},
    "links": [],
    "templating": {"list": [{
        "name": "instance", "label": "instance", "type": "query", "datasource": PROM,
        "query": {"query": "label_values(pg_gateway_up, instance)", "refId": "instance"},
        "definition": "label_values(pg_gateway_up, instance)",
        "includeAll": True, "multi": True, "allValue": ".*", "refresh": 2,
        "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
    }]},
    "panels": panels,
}

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "dashboards", "pg_gateway.json")
with open(out, "w") as f:
    json.dump(dashboard, f, indent=2, sort_keys=False)
    f.write("\n")
