"""Automated quality alerts: what an alert is, where it goes, and when it is raised.

* `model`      — the `Alert` record and its text (plain and markdown);
* `settings`   — channels and thresholds from `HOTLINE_ALERT_*` env vars (docs/alerts.md);
* `redact`     — secrets never reach a log: masking of webhook URLs and passwords;
* `channels`   — JSON webhook (generic, WeCom, DingTalk payloads) and SMTP email;
* `alert_log`  — the JSON-lines alert log, which is also the dedup state;
* `dispatch`   — send each new alert once to every configured channel;
* `anomalies`  — pure anomaly rules over small rows, and the reader of the marts;
* `events`     — alerts from the Dagster instance's events (failed checks, failed runs).

The Dagster side lives here too: `sensors` (the alert sensors) and `checks` (the history asset
checks on the marts); `pipelines/automation.py` wires the sensors into the definitions.
"""
