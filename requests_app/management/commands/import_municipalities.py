from requests_app.directory_csv import municipalities_import

from .import_directory import Command as ImportDirectoryCommand


class Command(ImportDirectoryCommand):
    help = (
        "Import municipalities and the police service of each from a CSV file (the "
        "export_municipalities format), matched on slug. All or nothing: if any row is bad, "
        "nothing is written and every bad row is listed with its line number."
    )
    importer = staticmethod(municipalities_import)
