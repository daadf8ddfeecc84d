from requests_app.directory_csv import municipalities_export

from .export_directory import Command as ExportDirectoryCommand


class Command(ExportDirectoryCommand):
    help = "Write every municipality as CSV in the format import_municipalities reads."
    exporter = staticmethod(municipalities_export)
    noun = "municipalities"
