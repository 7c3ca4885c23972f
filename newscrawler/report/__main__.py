"""``python -m newscrawler.report``: the crawl report's command line (newscrawler.report.cli)."""

import sys

from newscrawler.report.cli import main

sys.exit(main())
