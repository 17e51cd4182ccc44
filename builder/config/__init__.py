"""dossier.yml: YAML read with the position of every value (yamlfile), validated into Settings
(settings).

May import: run.
"""
