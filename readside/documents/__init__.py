"""Documents from the database: the briefs for the Committee's thematic meetings and the
regional report, in the four languages, as one self-contained HTML file or a PDF.

One job per module, each floor importing only the ones before it:
subjects (what a document is about) -> values (the SQL) -> measures (the talking-point
machinery) -> points (each subject's sentences) -> charts (chart model and drawing) ->
figures (each brief's charts) -> layout (a brief's content) -> render (HTML, PDF).
"""
