"""The territory's figures as CSV, for the Métropole's spreadsheets: one row per kind, sector and city."""
import csv
from io import StringIO

from cohorts.territory.figures import TerritoryFigures


def figures_csv(figures: TerritoryFigures) -> str:
    """`dimension,value,actors`: codes for kinds and sectors (the French name beside a sector), cities as given,
    "" for a city not given or not published; the totals first."""
    out = StringIO()
    writer = csv.writer(out)
    writer.writerow(["dimension", "value", "name", "actors"])
    writer.writerow(["total", "approved", "", figures.total])
    writer.writerow(["total", "listed", "", figures.listed])
    writer.writerows(["kind", kind, "", n] for kind, n in figures.by_kind)
    writer.writerows(["sector", sector.code, sector.name_fr, n] for sector, n in figures.by_sector)
    writer.writerows(["city", city, city, n] for city, n in figures.by_city)
    return out.getvalue()
