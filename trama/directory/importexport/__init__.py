"""Import and export of the directory: the Italian one-sheet template (CSV/XLSX) and HSDS JSON/GeoJSON/XLSX."""
