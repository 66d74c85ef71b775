"""Report rendering, signing and verification (ReportLab, pyHanko); no Qt.

Nothing is imported here, so ``import duediligence.report.details`` stays
cheap. Where things are:

- ``pdf``: ``build_report_pdf`` / ``render_report``, page template, header and footer
- ``export``: ``write_report``: build, sign if asked, write once (CLI and store)
- ``story``: the flowables of the report, part by part; ``answer_view``: answers as text and tables
- ``text``: user strings made safe for Paragraphs; ``fonts``: bundled fonts, font per run
- ``styles``: the look as data; ``charts``: the section score chart
- ``attachments``: attached answers.json and the empty signature field
- ``identity``: create and open .p12 identities; ``signing`` and ``stamp``: the PAdES signature and its box
- ``verify``: checking a signed report; ``details``: store facts a report may show
- ``files``: writing output files all at once
"""
