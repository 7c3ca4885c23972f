"""Monitors, run after every crawl once its output is final: is each site still giving what it gave?

They are Spidermon monitors (``NewsMonitorSuite``), run by Spidermon's ``MonitorRunner`` from the
crawl finisher on ``output_closed`` (newscrawler.extensions.CrawlFinisher), not from Spidermon's
own ``spider_closed`` hook, which fires before the last feed is stored (so before "written" is
final). Each monitor's decision is a pure function of one site's figures, its recent runs (kept in
the crawl state, ``record_run``) and its thresholds (``NEWSCRAWLER_MONITOR_*`` settings, overridden
per site by ``[<site>.monitors]`` in the registry), so the unit tests call them on hand-made
figures.

Results: one log line per failed check and a summary line, ``<output stem>.monitors.json``
(or ``NEWSCRAWLER_MONITORS_FILE``), Spidermon's actions (e-mail, Slack) when configured, and, with
``NEWSCRAWLER_MONITORS_FAIL_JOB``, exit status 6 (``EXIT_MONITORS_FAILED``).

Modules: ``checks`` (the figures and the decisions, pure), ``suite`` (Spidermon: the monitors, the
suite, the actions) and ``extension`` (CrawlMonitors: counting during the crawl, then the run).
Settings name ``newscrawler.monitors.CrawlMonitors`` and ``newscrawler.monitors.NewsMonitorSuite``.
"""

from newscrawler.monitors.checks import (
    QUIET_DROPS,
    SETTING_PREFIX,
    Check,
    check_articles,
    check_body_length,
    check_drops,
    check_errors,
    check_field_coverage,
    site_figures,
    thresholds_for,
)
from newscrawler.monitors.extension import RECORDED, CrawlMonitors, log_results
from newscrawler.monitors.suite import (
    EMAIL_ACTION,
    SLACK_ACTION,
    ArticlesMonitor,
    BodyLengthMonitor,
    DropReasonMonitor,
    ErrorRateMonitor,
    FieldCoverageMonitor,
    MonitorInput,
    NewsMonitorSuite,
    SiteMonitor,
    failure_actions,
    run_suite,
)

__all__ = [
    "EMAIL_ACTION",
    "QUIET_DROPS",
    "RECORDED",
    "SETTING_PREFIX",
    "SLACK_ACTION",
    "ArticlesMonitor",
    "BodyLengthMonitor",
    "Check",
    "CrawlMonitors",
    "DropReasonMonitor",
    "ErrorRateMonitor",
    "FieldCoverageMonitor",
    "MonitorInput",
    "NewsMonitorSuite",
    "SiteMonitor",
    "check_articles",
    "check_body_length",
    "check_drops",
    "check_errors",
    "check_field_coverage",
    "failure_actions",
    "log_results",
    "run_suite",
    "site_figures",
    "thresholds_for",
]
