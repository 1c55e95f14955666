"""Connector bill text -> fields: the label vocabulary, the field finder, validation, OCR, and the
sample-bill renderer.

Modules: vocabulary.toml (each field's known wordings), fields.py (lines -> labelled values),
validate.py (a Bill -> warnings), ocr.py (page image -> lines with confidences), render.py
(Bills -> a sample bill PDF). The PDF reading itself is recon.importers.bill_pdf.
"""
