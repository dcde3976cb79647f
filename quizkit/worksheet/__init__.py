"""Printable worksheets and exams: one version per student, keys, answer sheets and grading.

The pieces, in the order a worksheet is made:

- :mod:`~quizkit.worksheet.ids` — the worksheet id ``ws-<seed>-v<version>-<bank fingerprint>``;
- :mod:`~quizkit.worksheet.select` — COUNT templates, balanced across topics and levels;
- :mod:`~quizkit.worksheet.build` — each version's questions and their torch truths;
- :mod:`~quizkit.worksheet.sheet` — the ``answers-<id>.yaml`` file students fill in;
- :mod:`~quizkit.worksheet.grading` — a filled sheet graded into a :class:`SheetResult`;
- :mod:`~quizkit.worksheet.markdown`, :mod:`~quizkit.worksheet.html`,
  :mod:`~quizkit.worksheet.jsonout`, :mod:`~quizkit.worksheet.typeset` — renderers;
- :mod:`~quizkit.worksheet.markup` — the prompts' Markdown subset, escaped for Typst and HTML;
- :mod:`~quizkit.worksheet.pdfmerge` — joins the versions' PDFs into the combined one;
- :mod:`~quizkit.worksheet.lms` — Moodle XML and GIFT exports;
- :mod:`~quizkit.worksheet.output` — writes a worksheet's files to a folder;
- :mod:`~quizkit.worksheet.errors` — ``AnswerSheetError``, ``StaleWorksheetError``, ``RenderError``.

Nothing here prints; modules that need torch (build, grading, lms) import it through
:mod:`quizkit.bank.truth`, so the CLI imports them inside its commands only.
"""
