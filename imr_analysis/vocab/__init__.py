"""Vocabularies kept as data files: causes, the Puskesmas registry, targets, labels and table layouts."""
