"""The demo of `manage.py demo`: the real organisations and networks of Milan's QuBì programme and
reception system, extracted from the seed documents into `data/` (sources in `data/SOURCE.md`), plus
fictional personas and governance activity (`scenario.py`), assembled by `build.DemoBuilder` through the
modules' services."""
