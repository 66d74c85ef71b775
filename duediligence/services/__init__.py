"""Use cases: the only way the GUI and the command line touch stored data.

Each function takes the open ``Store`` first and owns its transaction, so
a call that returned has been committed (and survives a crash), and a
call that raised changed nothing. Errors a user can act on are
``DueDiligenceError``s with a message that says what to do. No Qt here.
"""

from duediligence.services.answers import AnswerChange, clear_answer, set_answer, set_comment
from duediligence.services.assessments import (
    AssessmentView,
    DroppedAnswer,
    UpgradeReport,
    audit_trail,
    create_assessment,
    finalise,
    get_assessment,
    list_assessments,
    move_to_review,
    new_revision,
    open_assessment,
    record_signature,
    return_to_draft,
    upgrade_assessment,
)
from duediligence.services.audit import verify_audit
from duediligence.services.backups import available_backups, backup_store, newest_backup, restore_store
from duediligence.services.editing import current_user
from duediligence.services.evidence import attach_evidence, evidence_file, remove_evidence
from duediligence.services.library import (
    AddedQuestionnaire,
    SetSource,
    add_questionnaire,
    add_questionnaire_file,
    find_set,
    list_questionnaires,
    newest_version,
    read_set_file,
)
from duediligence.services.scores import fill_missing_scores
from duediligence.services.startup import open_store
from duediligence.storage.instance import LockHolder, WriterLock, acquire_writer_lock, lock_holder
from duediligence.services.transfer import (
    ExportResult,
    ImportResult,
    answers_document,
    apply_answers_file,
    export_answers,
    import_answers_file,
    write_json_export,
)

__all__ = [
    "AddedQuestionnaire",
    "AnswerChange",
    "AssessmentView",
    "DroppedAnswer",
    "ExportResult",
    "ImportResult",
    "LockHolder",
    "SetSource",
    "UpgradeReport",
    "WriterLock",
    "acquire_writer_lock",
    "add_questionnaire",
    "add_questionnaire_file",
    "answers_document",
    "apply_answers_file",
    "attach_evidence",
    "audit_trail",
    "available_backups",
    "backup_store",
    "clear_answer",
    "create_assessment",
    "current_user",
    "evidence_file",
    "export_answers",
    "fill_missing_scores",
    "finalise",
    "find_set",
    "get_assessment",
    "import_answers_file",
    "list_assessments",
    "list_questionnaires",
    "lock_holder",
    "move_to_review",
    "new_revision",
    "newest_backup",
    "newest_version",
    "open_assessment",
    "open_store",
    "read_set_file",
    "record_signature",
    "remove_evidence",
    "restore_store",
    "return_to_draft",
    "set_answer",
    "set_comment",
    "upgrade_assessment",
    "verify_audit",
    "write_json_export",
]
