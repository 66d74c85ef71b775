"""A change made while the report is being signed must not be finalised
under a signature over the older content."""

from __future__ import annotations

from pathlib import Path

import pytest

from duediligence import services
from duediligence.errors import WorkflowError
from duediligence.report import export
from duediligence.services import reports

from tests.conftest import EXAMPLE_ANSWERS, EXAMPLE_SET
from tests.hardening.conftest import PASSPHRASE, Signers


def test_a_change_during_signing_refuses_the_finalisation(
    tmp_path: Path, signers: Signers, monkeypatch: pytest.MonkeyPatch
) -> None:
    with services.open_store(tmp_path / "data") as store:
        assessment_id = services.import_answers_file(store, EXAMPLE_ANSWERS, EXAMPLE_SET).assessment_id
        real = export.report_bytes

        def another_writer_strikes(*args: object, **kwargs: object) -> bytes:
            pdf = real(*args, **kwargs)
            services.set_answer(store, assessment_id, "employees", 4242)
            return pdf

        monkeypatch.setattr(export, "report_bytes", another_writer_strikes)
        out = tmp_path / "report.pdf"
        with pytest.raises(WorkflowError, match="changed while its report was being signed"):
            reports.finalise_and_sign(
                store, assessment_id, out, identity_path=signers.jane.p12, passphrase=PASSPHRASE, allow_incomplete=True
            )
        summary = services.get_assessment(store, assessment_id)
        assert summary.status == "draft"
        assert not out.exists()
        assert services.open_assessment(store, assessment_id).answers["employees"] == 4242
        assert not services.open_assessment(store, assessment_id).signatures
