"""Report rendering and signing (ReportLab, pyHanko); no Qt."""
