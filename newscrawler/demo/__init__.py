"""The bundled sample news site: `make demo` serves and crawls it; the tests crawl it too."""
