"""The dashboard: its model passes Qt's model checks, search and filters
work, double-click and Enter open an assessment; and the vendors page."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel

from duediligence import services
from duediligence.storage.records import AssessmentSummary, CachedScore
from duediligence.ui.dashboard import AssessmentFilter, AssessmentTableModel, Dashboard, IdRole
from tests.ui.helpers import double_click

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def summary(ident: int, vendor: str, status: str = "draft", tier: str | None = "Low", overall: float = 10.0,
            knockout: bool = False, assessor: str = "Ann Auditor", vendor_id: int | None = None, revision: int = 1) -> AssessmentSummary:
    score = None if tier is None else CachedScore(overall, tier.lower(), tier, knockout, 3, 5, date(2026, 3, 1))
    when = T0 + timedelta(hours=ident)
    return AssessmentSummary(
        ident, vendor_id or ident, vendor, "biometric-vendor", "1.0.0", "Biometric vendor due diligence", assessor,
        "Procurement", status, revision, None, None, when, when, None, score,
    )


ROWS = [
    summary(1, "Clearsight Analytics", "final", "Critical", 88.0, knockout=True),
    summary(2, "Orbis Gate", "draft", "Low", 12.5),
    summary(3, "Veridian Faces", "in_review", "Medium", 33.3, assessor="Bo Buyer"),
    summary(4, "Lumen Iris Systems", "draft", None),
]


def test_the_model_passes_qtmodeltester_with_rows_and_empty(qtmodeltester):
    model = AssessmentTableModel(ROWS)
    qtmodeltester.check(model)
    proxy = AssessmentFilter()
    proxy.setSourceModel(model)
    proxy.set_filters("a", "draft", None)
    qtmodeltester.check(proxy)
    qtmodeltester.check(AssessmentTableModel([]))


def test_the_model_shows_each_column(qtbot):
    model = AssessmentTableModel(ROWS)
    row = [model.index(0, c).data() for c in range(model.columnCount())]
    assert row[:7] == ["Clearsight Analytics", "Biometric vendor due diligence 1.0.0", "Final", "Critical", "88.0",
                       "Do not proceed", "3/5"]
    assert model.index(0, 3).data(Qt.ItemDataRole.BackgroundRole).color().name() == "#c62828"
    assert model.index(3, 3).data() == "" and model.index(3, 4).data() == ""  # not scored yet
    assert model.index(2, 0).data(IdRole) == 3


def shown_vendors(dashboard: Dashboard) -> list[str]:
    proxy = dashboard.proxy
    return sorted(proxy.index(r, 0).data() for r in range(proxy.rowCount()))


def test_search_and_filters(qtbot):
    dashboard = Dashboard()
    qtbot.addWidget(dashboard)
    dashboard.set_rows(ROWS)
    assert dashboard.stack.currentWidget() is dashboard.table
    qtbot.keyClicks(dashboard.search, "orb")
    assert shown_vendors(dashboard) == ["Orbis Gate"]
    dashboard.search.clear()
    qtbot.keyClicks(dashboard.search, "bo buyer")  # the assessor, too
    assert shown_vendors(dashboard) == ["Veridian Faces"]
    dashboard.search.clear()

    dashboard.status_filter.setCurrentIndex(dashboard.status_filter.findData("draft"))
    assert shown_vendors(dashboard) == ["Lumen Iris Systems", "Orbis Gate"]
    dashboard.tier_filter.setCurrentIndex(dashboard.tier_filter.findData("Low"))
    assert shown_vendors(dashboard) == ["Orbis Gate"]
    dashboard.status_filter.setCurrentIndex(0)
    dashboard.tier_filter.setCurrentIndex(dashboard.tier_filter.findData("Critical"))
    assert shown_vendors(dashboard) == ["Clearsight Analytics"]
    assert dashboard.count.text() == "1 of 4"

    qtbot.keyClicks(dashboard.search, "nobody")
    assert dashboard.stack.currentWidget() is dashboard.no_match


def test_sorting_by_score_puts_unscored_last(qtbot):
    dashboard = Dashboard()
    qtbot.addWidget(dashboard)
    dashboard.set_rows(ROWS)
    dashboard.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
    order = [dashboard.proxy.index(r, 0).data() for r in range(dashboard.proxy.rowCount())]
    assert order == ["Clearsight Analytics", "Veridian Faces", "Orbis Gate", "Lumen Iris Systems"]


def test_a_set_with_its_own_tier_names_can_be_filtered_by_them(qtbot):
    dashboard = Dashboard()
    qtbot.addWidget(dashboard)
    dashboard.set_rows([*ROWS, summary(5, "Nimbus Retina", tier="Acceptable")])
    dashboard.tier_filter.setCurrentIndex(dashboard.tier_filter.findData("Acceptable"))
    assert shown_vendors(dashboard) == ["Nimbus Retina"]


def test_an_empty_dashboard_explains_how_to_start(qtbot, window, monkeypatch):
    from duediligence.ui.dialogs import NewAssessmentDialog

    dashboard = window.dashboard
    assert dashboard.stack.currentWidget() is dashboard.empty
    assert dashboard.new_button.isVisible() and "Ctrl+N" in dashboard.empty.findChild(QLabel).text()
    shown = []
    monkeypatch.setattr(NewAssessmentDialog, "exec", lambda dialog: shown.append(dialog) or QDialog.DialogCode.Rejected)
    qtbot.mouseClick(dashboard.new_button, Qt.MouseButton.LeftButton)
    assert len(shown) == 1
    assert window.tabs.count() == 3  # cancelled: nothing created


def test_double_click_and_enter_open_an_assessment(qtbot, window, make_assessment):
    first, second = make_assessment("Alpha Vision"), make_assessment("Beta Iris")
    window.refresh()
    table = window.dashboard.table
    assert window.dashboard.select(first)
    double_click(qtbot, table, table.currentIndex())
    assert window.current_tab().assessment_id == first
    assert window.tabs.count() == 4  # dashboard, sets, vendors + one tab, not two

    window.tabs.setCurrentWidget(window.dashboard)
    window.dashboard.select(second)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert window.current_tab().assessment_id == second


def test_ctrl_f_goes_to_the_search_field(qtbot, window, editor):
    qtbot.keyClick(editor.section_list, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.dashboard
    assert window.dashboard.search.hasFocus()


def test_the_dashboard_shows_changes_made_in_an_editor(qtbot, window, editor, assessment_id):
    gallery = editor.page("company").cards["uses_own_gallery"].editor
    gallery.buttons["yes"].click()
    window.tabs.setCurrentWidget(window.dashboard)
    window.dashboard.select(assessment_id)
    expected = services.get_assessment(window.store, assessment_id).score
    assert window.dashboard.selected_summary().score == expected
    assert expected.answered == 1


def test_the_vendors_page_compares_a_reassessment_with_the_last_one(qtbot, window, make_assessment, store):
    first = make_assessment("Orbis Gate", answers={"uses_own_gallery": "yes", "hosting_region": "other"})
    services.finalise(store, first, allow_incomplete=True)
    second = services.new_revision(store, first)
    services.set_answer(store, second, "hosting_region", "eu")
    make_assessment("Alpha Vision")
    window.refresh()
    vendors = window.vendors_view
    assert vendors.vendor_list.count() == 2
    assert vendors.select_vendor("Orbis Gate")
    table = vendors.table
    assert table.rowCount() == 2
    assert [table.item(r, 1).text() for r in range(2)] == [f"1 (#{first}, replaced by #{second})", f"2 (#{second})"]
    scores = [services.get_assessment(store, i).score.overall for i in (first, second)]
    assert table.item(1, 5).text() == f"{scores[1]:.1f}"
    assert table.item(1, 6).text() == f"{scores[1] - scores[0]:+.1f}"  # less risk after the change
    assert table.item(1, 6).foreground().color().name() == "#2e7d32"

    window.tabs.setCurrentWidget(vendors)
    double_click(qtbot, table, table.model().index(0, 0))
    assert window.current_tab().assessment_id == first
