"""The read side: every question asked of a built database, with no Dash import.

Queries (the only place SQL runs, parameterized, read-only), claims checking, extracts with
their datapackage, and the texts and number formats they speak in. The command line and the
dashboard both stand on this floor; it stands on etl/ (area codes, series codes) and schemas/.
"""
