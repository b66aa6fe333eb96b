"""Reading official statistics as e-Stat publishes them: Excel/CSV downloads and the API v3 JSON.

grid.py turns a file into sheets of text cells (and refuses broken, protected or undecodable files); tables.py
finds 表11's header, codes, sexes and age groups in those cells, wherever the columns are; api.py pages through
getStatsData. None of them touches the database: importers.py checks the areas and writes.
"""
