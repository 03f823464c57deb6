"""Scenario validation: every user mistake is one ScenarioError that lists every problem.

Fixed cases pin each kind of problem to its exact dotted path; Hypothesis mutates valid
scenarios (as dicts and as TOML text) and checks that nothing but a ScenarioError escapes and
that every problem names a path, what was expected and what was given. The searches are
derandomized, so every run sees the same examples. The last section pins bugs the searches
once found (date overflow, non-UTF-8 files, deep nesting, empty keys and values).
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from factory import build, d, q, raw, target
from labour_sim import Problem, Scenario, ScenarioError, load_scenario, parse_scenario
from labour_sim.scenario.changes import changed

ROOT = Path(__file__).parents[1]
LOLLAND = ROOT / "scenarios" / "lolland_falster.toml"
LOLLAND_TEXT = LOLLAND.read_text(encoding="utf-8")
BASES_DIR = ROOT / "scenarios" / "base"

PROPERTY = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# -- helpers -------------------------------------------------------------------------------


def rich_raw() -> dict[str, Any]:
    """A valid scenario that uses the optional sections too (sources, staff, targets...)."""
    return raw(
        {
            "sources": {"ref": "https://example.org/ref", "seed": "003_0123456789abcdef.txt"},
            "intake": {
                "schedule": "poisson",
                "start": "2020-02-03",
                "end": "2021-06-28",
                "rate_per_week": q(3.0),
                "ramp_up_weeks": q(8.0),
                "cohort_max": q(200),
                "assessment_weeks": d("gamma", 2.0, shape=2.0),
            },
            "groups": [
                {
                    "name": "near",
                    "description": "close to the labour market",
                    "share": q(0.7),
                    "readiness": d("lognormal", 1.2, "multiplier", sd=0.3),
                },
                {
                    "name": "far",
                    "share": {"value": 0.3, "unit": "share", "source": "ref"},
                    "readiness": d("weibull", 0.7, "multiplier", shape=1.5),
                },
            ],
            "companies.slots_per_company": {"value": 2, "unit": "slots", "source": "ref"},
            "companies.tenure_weeks": d("exponential", 104.0),
            "companies.sectors": [
                {"name": "care", "share": q(0.6)},
                {"name": "retail", "share": q(0.4)},
            ],
            "companies.match_sector": True,
            "staff": {
                "caseworkers": q(5),
                "caseload": q(40),
                "mentors": q(3),
                "mentees_per_mentor": q(2),
                "mentor_required": True,
            },
            "budget": {"grant_dkk": {"value": 1e6, "unit": "DKK", "source": "seed"}},
            "targets": [
                {
                    "name": "placed_100",
                    "metric": "placed",
                    "threshold": q(100),
                    "date": "2021-12-27",
                    "description": "a hundred placed",
                },
                {
                    "name": "firms_15",
                    "metric": "companies_joined",
                    "threshold": q(15),
                    "date": "2022-06-01",
                },
            ],
        }
    )


BASES = (raw(), rich_raw())


def problems(data: dict[str, Any]) -> dict[str, Problem]:
    """The problems ``parse_scenario`` reports for ``data``, by path (fails if it succeeds)."""
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data)
    return {p.path: p for p in info.value.problems}


def assert_only(data: dict[str, Any], *paths: str) -> dict[str, Problem]:
    """``data`` is rejected with exactly one problem at each of ``paths`` and no others."""
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data)
    err = info.value
    assert sorted(p.path for p in err.problems) == sorted(paths), str(err)
    for path in paths:
        assert path in str(err)
    return {p.path: p for p in err.problems}


def check_error(err: ScenarioError) -> None:
    """Every problem of ``err`` names a path, what was expected and what was given."""
    assert isinstance(err, ValueError)
    assert err.problems, "a ScenarioError without problems"
    text = str(err)
    for p in err.problems:
        assert isinstance(p, Problem)
        assert p.path.strip(), f"problem without a path: {p!r}"
        assert p.expected.strip(), f"problem without 'expected': {p!r}"
        assert p.given, f"problem without 'given': {p!r}"
        assert p.path in text, f"{p.path!r} missing from the message:\n{text}"


# -- 1. valid scenarios load ----------------------------------------------------------------


@pytest.mark.parametrize("data", BASES, ids=["factory", "rich"])
def test_valid_raw_scenarios_parse(data: dict[str, Any]) -> None:
    scenario = parse_scenario(copy.deepcopy(data))
    assert isinstance(scenario, Scenario)
    assert scenario.origin is None


def test_factory_build_gives_the_base_scenario() -> None:
    scenario = build()
    assert scenario.name == "test"
    assert [g.name for g in scenario.groups] == ["all"]
    assert scenario.intake.monthly_counts is not None
    assert sum(scenario.intake.monthly_counts.values) == 240


def test_lolland_falster_loads() -> None:
    scenario = load_scenario(LOLLAND)
    assert scenario.name == "Rekruttering fra kanten, Lolland-Falster"
    assert scenario.origin == str(LOLLAND)
    assert scenario.text.startswith(LOLLAND_TEXT)  # followed by the base it extends
    assert "# ---- extends base/denmark.toml ----" in scenario.text
    assert [g.name for g in scenario.groups] == ["aktivitetsparat", "jobparat"]
    assert [t.name for t in scenario.targets] == ["placed_850", "ordinary_550", "companies_400"]
    assert scenario.companies.recruitment_per_week.source == "cabi_midterm"


def test_scenario_is_immutable() -> None:
    scenario = build()
    with pytest.raises(ValueError):
        scenario.name = "other"  # type: ignore[misc]


# -- 2. mutated dicts: a Scenario or a ScenarioError, nothing else --------------------------

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=-1),
    st.floats(max_value=-1e-9, allow_nan=False),
    st.integers(min_value=10**9, max_value=10**30),
    st.sampled_from([10**400, 2**63, 1e300, 1e12, math.inf, -math.inf, math.nan, -0.0]),
    st.integers(min_value=0, max_value=300),
    st.floats(min_value=0, max_value=2),
    st.text(max_size=12),
    st.sampled_from(
        ["", "2020-01-01", "gamma", "placed", "https://example.org", "ref", "1.5", "nan", "{{7*7}}"]
    ),
    st.dates(),
    st.datetimes(),
    st.times(),
)
VALID_LOOKING = st.one_of(
    st.builds(q, st.floats(min_value=0, max_value=2)),
    st.builds(
        d,
        st.sampled_from(["constant", "exponential", "gamma", "lognormal", "weibull"]),
        st.floats(min_value=0.1, max_value=50),
    ),
)
PLAUSIBLE = st.one_of(
    st.integers(min_value=0, max_value=10**7),
    st.floats(min_value=0, max_value=1e7),
    st.dates(min_value=dt.date(1900, 1, 1)).map(dt.date.isoformat),
    st.sampled_from(
        ["placed", "ordinary", "companies_joined", "monthly", "poisson", "exponential"]
    ),
)
JUNK = st.one_of(
    VALID_LOOKING,
    PLAUSIBLE,
    st.recursive(
        SCALARS,
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
        ),
        max_leaves=8,
    ),
)
UNKNOWN_KEYS = st.text(max_size=8).map(lambda s: "unknown_" + s)

Path_ = tuple[str | int, ...]


def _locations(node: Any, prefix: Path_ = ()) -> list[Path_]:
    """Paths to every value below ``node`` (not ``node`` itself)."""
    items: list[tuple[str | int, Any]] = []
    if isinstance(node, dict):
        items = list(node.items())
    elif isinstance(node, list):
        items = list(enumerate(node))
    found: list[Path_] = []
    for key, child in items:
        found.append((*prefix, key))
        found.extend(_locations(child, (*prefix, key)))
    return found


def _get(node: Any, path: Path_) -> Any:
    for part in path:
        node = node[part]
    return node


def _dotted(path: Path_) -> str:
    return ".".join(str(part) for part in path)


def _named(node: Any, path: Path_) -> str:
    """``path`` dotted as errors name it: a list item with a ``name`` by that name."""
    parts = []
    for part in path:
        node = node[part]
        name = node.get("name") if isinstance(part, int) and isinstance(node, dict) else None
        parts.append(name if isinstance(name, str) and name else str(part))
    return ".".join(parts)


@st.composite
def mutated_dicts(draw: st.DrawFn) -> tuple[dict[str, Any], list[str]]:
    """A valid raw scenario with one to three random mutations, and what they were."""
    data = copy.deepcopy(draw(st.sampled_from(BASES)))
    steps = []
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        kind = draw(st.sampled_from(["replace", "delete", "add"]))
        locations = _locations(data)
        if kind == "add":
            containers = [p for p in [(), *locations] if isinstance(_get(data, p), dict)]
            path = draw(st.sampled_from(containers))
            key = draw(UNKNOWN_KEYS)
            value = draw(JUNK)
            _get(data, path)[key] = value
            steps.append(f"add {_dotted((*path, key))} = {value!r}")
        elif kind == "delete":
            path = draw(st.sampled_from(locations))
            del _get(data, path[:-1])[path[-1]]
            steps.append(f"delete {_dotted(path)}")
        else:
            path = draw(st.sampled_from(locations))
            value = draw(JUNK)
            _get(data, path[:-1])[path[-1]] = value
            steps.append(f"set {_dotted(path)} = {value!r}")
    return data, steps


@PROPERTY
@given(mutated_dicts())
def test_mutated_dict_gives_scenario_or_scenario_error(
    case: tuple[dict[str, Any], list[str]],
) -> None:
    data, steps = case
    note("\n".join(steps))
    try:
        scenario = parse_scenario(data)
    except ScenarioError as err:
        check_error(err)
    else:
        assert isinstance(scenario, Scenario)


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(
    base=st.sampled_from(BASES),
    data=st.data(),
    key=UNKNOWN_KEYS,
    value=st.one_of(SCALARS, VALID_LOOKING),
)
def test_unknown_key_anywhere_is_reported_at_its_path(
    base: dict[str, Any], data: st.DataObject, key: str, value: Any
) -> None:
    scenario = copy.deepcopy(base)
    tables = [
        p
        for p in [(), *_locations(scenario)]
        if isinstance(_get(scenario, p), dict) and p[-1:] != ("sources",)
    ]
    path = data.draw(st.sampled_from(tables))
    _get(scenario, path)[key] = value
    where = _named(scenario, (*path, key))
    found = problems(scenario)
    assert where in found
    assert found[where].expected == "no such field (unknown key)"


# -- 3. mutated TOML text: a Scenario or a ScenarioError, nothing else -----------------------

NUMBER = re.compile(r"(?<![\w.+-])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.:-])")
NUMBER_SPANS = [m.span() for m in NUMBER.finditer(LOLLAND_TEXT)]
TOKENS = st.one_of(
    st.sampled_from(
        [
            "-1",
            "0",
            "1.5",
            "-0.5",
            "1e400",
            "-1e9",
            "inf",
            "nan",
            "99999999999",
            "0x1F",
            "true",
            '"x"',
            "[]",
            "{}",
            "[1, 2]",
            "2020-13-45",
            "2019-02-29",
            "1979-05-27T07:32:00Z",
            "07:32:00",
            '""',
            "=",
            "'''",
        ]
    ),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=6),
)
JUNK_LINES = st.one_of(
    st.sampled_from(
        [
            "bogus = 1",
            "[companies]",
            "[[groups]]",
            "[[targets]]",
            "name = 3",
            "[placement.outcomes.extra]",
            "schema_version = 2",
            "period = 1",
            "value = -1",
        ]
    ),
    TOKENS,
)


@st.composite
def mutated_texts(draw: st.DrawFn) -> tuple[str, list[str]]:
    """The Lolland-Falster scenario's text with one to three random line or token edits."""
    text = LOLLAND_TEXT
    steps = []
    # Replace numbers first (spans refer to the original text), from the end backwards.
    spans = draw(st.lists(st.sampled_from(NUMBER_SPANS), max_size=2, unique=True))
    for start, end in sorted(spans, reverse=True):
        token = draw(TOKENS)
        steps.append(f"number {text[start:end]!r} at {start} -> {token!r}")
        text = text[:start] + token + text[end:]
    n_line_edits = draw(st.integers(min_value=0 if spans else 1, max_value=2))
    for _ in range(n_line_edits):
        lines = text.split("\n")
        i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "truncate"]))
        if kind == "delete":
            steps.append(f"delete line {i}: {lines[i]!r}")
            del lines[i]
        elif kind == "duplicate":
            steps.append(f"duplicate line {i}: {lines[i]!r}")
            lines.insert(i, lines[i])
        elif kind == "swap":
            j = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            steps.append(f"swap lines {i} and {j}")
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "insert":
            line = draw(JUNK_LINES)
            steps.append(f"insert at {i}: {line!r}")
            lines.insert(i, line)
        else:
            steps.append(f"truncate after line {i}")
            lines = lines[: i + 1]
        text = "\n".join(lines)
    return text, steps


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("mutated")
    shutil.copytree(BASES_DIR, folder / "base")
    return folder / "scenario.toml"


@pytest.fixture(autouse=True)
def _bases_beside_tmp_files(tmp_path: Path) -> None:
    """Scenario texts written to ``tmp_path`` extend ``base/denmark.toml``: copy it there."""
    shutil.copytree(BASES_DIR, tmp_path / "base")


@settings(PROPERTY, max_examples=200)
@given(case=mutated_texts())
def test_mutated_toml_gives_scenario_or_scenario_error(
    scratch: Path, case: tuple[str, list[str]]
) -> None:
    text, steps = case
    note("\n".join(steps))
    scratch.write_text(text, encoding="utf-8")
    try:
        scenario = load_scenario(scratch)
    except ScenarioError as err:
        check_error(err)
        assert err.origin == str(scratch)
    else:
        assert isinstance(scenario, Scenario)
        assert scenario.text.startswith(text)


# -- 4. each kind of problem, at its exact path ----------------------------------------------


def test_unknown_key() -> None:
    found = assert_only(raw({"companies.bogus": 1}), "companies.bogus")
    assert found["companies.bogus"].expected == "no such field (unknown key)"
    # The value of an unknown key is never shown: it may come from any file.
    assert found["companies.bogus"].given == "a key the format does not have"


def test_unknown_key_at_top_level_and_in_a_list_item() -> None:
    data = raw({"colour": "blue"})
    data["groups"][0]["colour"] = "red"
    found = problems(data)
    assert "colour" in found
    assert f"groups.{data['groups'][0]['name']}.colour" in found  # named, as paths are


def test_wrong_type() -> None:
    found = assert_only(
        raw({"companies.slots_per_company.value": "two"}), "companies.slots_per_company.value"
    )
    assert "two" in found["companies.slots_per_company.value"].given


def test_missing_required_field() -> None:
    data = raw()
    del data["placement"]["outcomes"]["flexjob"]
    found = assert_only(data, "placement.outcomes.flexjob")
    assert "missing" in found["placement.outcomes.flexjob"].expected


def test_negative_duration() -> None:
    found = assert_only(
        raw({"preparation.duration_weeks.mean": -1}), "preparation.duration_weeks.mean"
    )
    assert found["preparation.duration_weeks.mean"].given == "-1"


@pytest.mark.parametrize("value", [1.5, -0.1, math.nan])
def test_probability_outside_unit_interval(value: float) -> None:
    assert_only(
        raw({"placement.outcomes.ordinary.value": value}), "placement.outcomes.ordinary.value"
    )


def test_probabilities_that_sum_above_one() -> None:
    data = raw({"placement.outcomes.ordinary.value": 0.9, "placement.outcomes.reduced.value": 0.9})
    assert_only(data, "placement.outcomes")


def _target(name: str, metric: str, threshold: float, date: str) -> dict[str, Any]:
    return {"name": name, "metric": metric, "threshold": q(threshold), "date": date}


def test_target_larger_than_cohort() -> None:
    # The base cohort is 12 monthly counts of 20 = 240 citizens.
    ok = raw({"targets": [_target("all_placed", "placed", 240, "2021-12-27")]})
    assert parse_scenario(ok).target("all_placed").threshold.value == 240
    too_big = raw({"targets": [_target("too_many", "placed", 241, "2021-12-27")]})
    found = assert_only(too_big, "targets.too_many.threshold")
    assert "240" in found["targets.too_many.threshold"].expected


def test_company_target_larger_than_max_companies() -> None:
    data = raw({"targets": [_target("firms", "companies_joined", 21, "2021-12-27")]})
    found = assert_only(data, "targets.firms.threshold")
    assert "max_companies" in found["targets.firms.threshold"].expected


@pytest.mark.parametrize(
    ("metric", "unit"), [("placed", "companies"), ("companies_joined", "citizens")]
)
def test_a_target_counted_in_the_other_kind_of_unit(metric: str, unit: str) -> None:
    """300 companies placed is a slip for 300 citizens: the metric says what it counts."""
    data = raw({"targets": [target("t", metric, 5)]})
    data["targets"][0]["threshold"]["unit"] = unit
    found = assert_only(data, "targets.t.threshold.unit")
    assert f"(what '{metric}' counts)" in found["targets.t.threshold.unit"].expected
    assert found["targets.t.threshold.unit"].given == repr(unit)


def test_target_date_outside_programme_period() -> None:
    # The period is 2020-01-06..2021-12-27 with 52 weeks of follow-up: up to 2022-12-26.
    inside = raw({"targets": [_target("last_day", "placed", 10, "2022-12-26")]})
    parse_scenario(inside)
    data = raw(
        {
            "targets": [
                _target("early", "placed", 10, "2020-01-05"),
                _target("late", "placed", 10, "2022-12-27"),
            ]
        }
    )
    assert_only(data, "targets.early.date", "targets.late.date")


def test_intake_dates_outside_programme_period() -> None:
    data = raw({"intake.start": "2019-12-31", "intake.end": "2022-01-01"})
    assert_only(data, "intake.start", "intake.end")


def test_quantity_without_source_or_assumption() -> None:
    found = assert_only(
        raw({"companies.initial": {"value": 10, "unit": "companies"}}), "companies.initial"
    )
    assert "source" in found["companies.initial"].expected


def test_quantity_with_both_source_and_assumption() -> None:
    both = {
        "value": 10,
        "unit": "companies",
        "source": "https://a.org",
        "assumption": "a",
        "range": [1, 20],
    }
    assert_only(raw({"companies.initial": both}), "companies.initial")


def test_assumption_without_range() -> None:
    data = raw({"companies.initial": {"value": 10, "unit": "companies", "assumption": "guess"}})
    found = assert_only(data, "companies.initial")
    assert "range" in found["companies.initial"].expected


def test_range_upside_down() -> None:
    data = raw({"companies.initial.range": [20, 1]})
    assert_only(data, "companies.initial")


def test_a_number_outside_its_own_range_in_a_file_is_refused(tmp_path: Path) -> None:
    """An assumption whose plausible range leaves out its value says which, and what it is."""
    text = LOLLAND_TEXT.replace(
        'assumption = "half a year to get referrals going", range = [8, 52]',
        'assumption = "half a year to get referrals going", range = [30, 52]',
    ).replace("range = [2, 8] }", "range = [5, 8] }")  # assessment_weeks: a mean of 4
    path = tmp_path / "programme.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert [(p.path, p.expected, p.given) for p in caught.value.problems] == [
        ("intake.ramp_up_weeks.value", "a value within the range [30, 52] it gives", "26"),
        ("intake.assessment_weeks.mean", "a mean within the range [5, 8] it gives", "4"),
    ]
    # A what-if's range spans the old and the new value: it never trips the check.
    load_scenario(LOLLAND).with_changes({"intake.ramp_up_weeks": 60})


def test_undefined_source_key() -> None:
    data = raw({"companies.initial": {"value": 10, "unit": "companies", "source": "nowhere"}})
    found = assert_only(data, "companies.initial.source")
    assert found["companies.initial.source"].given == "nowhere"


@pytest.mark.parametrize(
    "source",
    [
        "https://example.org/x",
        "http://a.b",
        "003_0123456789abcdef.txt",
        "seed:003_0123456789abcdef.txt",
        "mine",
    ],
)
def test_valid_source_references(source: str) -> None:
    data = raw(
        {
            "sources": {"mine": "https://example.org/mine"},
            "companies.initial": {"value": 10, "unit": "companies", "source": source},
        }
    )
    assert parse_scenario(data).companies.initial.source == source


def test_source_entry_that_is_not_a_url() -> None:
    assert_only(raw({"sources": {"mine": "my notes"}}), "sources.mine")


@pytest.mark.parametrize(
    ("entry", "valid"),
    [
        ("Guldborgsund Kommune, projektbeskrivelse Job i naerheden, 2024", True),
        ("Jobcenter Odense internal memo 1998", True),
        ("projektbeskrivelse 2024", False),  # two words: not enough to ask for it
        ("Guldborgsund Kommune projektbeskrivelse", False),  # no year
        ("Guldborgsund Kommune, plan, 12024", False),  # not a year
    ],
)
def test_a_document_without_an_address_is_cited_with_its_year(entry: str, valid: bool) -> None:
    data = raw(
        {
            "sources": {"plan": entry},
            "companies.initial": {"value": 10, "unit": "companies", "source": "plan"},
        }
    )
    if valid:
        assert parse_scenario(data).sources["plan"] == entry
    else:
        found = assert_only(data, "sources.plan")
        assert "a citation of a document with its year" in found["sources.plan"].expected
    # A citation is a [sources] entry, not a number's own source (a mistyped key is not one).
    direct = raw({"companies.initial": {"value": 10, "unit": "companies", "source": entry}})
    assert_only(direct, "companies.initial.source")


def test_group_shares_that_do_not_sum_to_one() -> None:
    groups = [
        {"name": "a", "share": q(0.5), "readiness": d("constant", 1.0, "multiplier")},
        {"name": "b", "share": q(0.4), "readiness": d("constant", 1.0, "multiplier")},
    ]
    found = assert_only(raw({"groups": groups}), "groups.*.share")
    assert found["groups.*.share"].given == "0.9"


def test_duplicate_group_names() -> None:
    group = {"name": "a", "share": q(0.5), "readiness": d("constant", 1.0, "multiplier")}
    assert_only(raw({"groups": [group, group]}), "groups.*.name")


def test_staff_counts_given_without_their_partner() -> None:
    data = raw({"staff": {"caseworkers": q(3), "mentor_required": True}})
    assert_only(data, "staff.caseload", "staff.mentor_required")


def test_two_bad_fields_give_two_problems() -> None:
    data = raw(
        {"companies.slots_per_company.value": "two", "placement.outcomes.ordinary.value": 1.5}
    )
    assert_only(data, "companies.slots_per_company.value", "placement.outcomes.ordinary.value")


def test_many_problems_across_sections_are_all_reported() -> None:
    data = raw(
        {
            "name": "",
            "companies.bogus": True,
            "preparation.duration_weeks.mean": -1,
            "placement.max_attempts.value": 99,
            "employment.reduced_to_ordinary.value": 2.0,
            "dropout.rate_per_week": {"value": 0.1, "unit": "1/week"},
        }
    )
    del data["period"]["end"]
    assert_only(
        data,
        "name",
        "companies.bogus",
        "preparation.duration_weeks.mean",
        "placement.max_attempts.value",
        "employment.reduced_to_ordinary.value",
        "dropout.rate_per_week",
        "period.end",
    )


def test_several_cross_field_problems_are_all_reported() -> None:
    groups = [
        {"name": "a", "share": q(0.5), "readiness": d("constant", 1.0, "multiplier")},
        {"name": "b", "share": q(0.4), "readiness": d("constant", 1.0, "multiplier")},
    ]
    data = raw(
        {
            "groups": groups,
            "sources": {"bad": "not a url"},
            "companies.initial.value": 50,
            "targets": [_target("huge", "placed", 1000, "2030-01-01")],
        }
    )
    assert_only(
        data,
        "groups.*.share",
        "sources.bad",
        "companies.initial",
        "targets.huge.date",
        "targets.huge.threshold",
    )


def test_file_errors_name_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    with pytest.raises(ScenarioError) as info:
        load_scenario(missing)
    assert [p.path for p in info.value.problems] == ["file"]

    broken = tmp_path / "broken.toml"
    broken.write_text('name = "unterminated\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(broken)
    assert [p.path for p in info.value.problems] == ["file"]
    assert str(broken) in str(info.value)


def test_problems_in_a_file_name_the_file_and_every_path(tmp_path: Path) -> None:
    text = LOLLAND_TEXT.replace(
        "slots_per_company = { value = 1,", 'slots_per_company = { value = "one",'
    )
    text = text.replace("tenure_weeks = { dist", "tenure_weeks = { tenure = 3, dist")
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    err = info.value
    assert err.origin == str(path)
    assert str(path) in str(err)
    assert sorted(p.path for p in err.problems) == [
        "companies.slots_per_company.value",
        "companies.tenure_weeks.tenure",
    ]
    check_error(err)


# -- 5. what-if changes -------------------------------------------------------------------------


def test_change_returns_new_scenario_and_leaves_original_untouched() -> None:
    base = build()
    before = base.model_dump()
    changed = base.with_changes(
        {"companies.slots_per_company": 3, "placement.outcomes.ordinary.value": 0.4}
    )
    assert isinstance(changed, Scenario)
    assert changed is not base
    assert changed.companies.slots_per_company.value == 3
    assert changed.placement.outcomes.ordinary.value == 0.4
    assert base.companies.slots_per_company.value == 1
    assert base.placement.outcomes.ordinary.value == 0.3
    assert base.model_dump() == before


def test_changed_data_leaves_its_input_untouched() -> None:
    import copy

    data = build().model_dump(mode="python")
    assert isinstance(data["groups"], tuple | list)
    data["groups"] = tuple(data["groups"])  # list items given as a tuple are written too
    before = copy.deepcopy(data)
    out = changed(data, {"groups.0.share": 0.5, "companies.slots_per_company": 3})
    assert data == before
    assert out["groups"][0]["share"]["value"] == 0.5
    assert out["groups"][0]["share"]["assumption"].startswith("what-if")
    assert out["companies"]["slots_per_company"]["value"] == 3
    assert out["intake"] is data["intake"]  # what no change touches is shared, not copied


def _same_either_way(base: Scenario, changes: dict[str, Any]) -> None:
    """``with_changes`` gives what validating the whole changed scenario gives, or fails alike."""
    try:
        full = parse_scenario(
            changed(base.model_dump(mode="python"), changes), base.origin, base.text
        )
    except ScenarioError as exc:
        with pytest.raises(ScenarioError) as fast:
            base.with_changes(changes)
        assert [p.path for p in fast.value.problems] == [p.path for p in exc.problems]
        return
    new = base.with_changes(changes)
    assert new == full, changes
    assert new.model_dump() == full.model_dump(), changes
    assert (new.hash, new.origin, new.text) == (full.hash, base.origin, base.text)


def test_numbers_changed_in_sections_give_the_scenario_the_full_way_gives() -> None:
    # with_changes validates only the sections a number changed in (calibration's case);
    # every lever of a shipped scenario, set larger, to 0 or negative (valid or not), must
    # come out (or fail) as if the whole scenario had been validated again.
    base = load_scenario(LOLLAND)
    levers = base.levers()
    numbers = [
        (str(path), value)
        for path, value in zip(levers["path"], levers["value"], strict=True)
        if isinstance(value, int | float) and not isinstance(value, bool)
    ]
    for i, (path, value) in enumerate(numbers):
        _same_either_way(base, {path: type(value)(value * (1.5, 0.0, -1.0)[i % 3])})
    for factor in (1.0, 2.0, -1.0):
        several = {"intake.rate_per_week": 7.5 * factor, "placement.outcomes.ordinary": 0.2 * factor,
                   "placement.outcomes.reduced": 0.25, "companies.recruitment_per_week": 3.0}  # fmt: skip
        _same_either_way(base, several)


def test_change_keeps_origin_and_text() -> None:
    base = load_scenario(LOLLAND)
    changed = base.with_changes({"placement.max_attempts": 4})
    assert changed.origin == base.origin
    assert changed.text == base.text


def test_plain_number_on_sourced_quantity_becomes_an_assumption() -> None:
    base = load_scenario(LOLLAND)
    old = base.companies.recruitment_per_week
    assert old.source == "cabi_midterm"
    changed = base.with_changes({"companies.recruitment_per_week": 5.0})
    new = changed.companies.recruitment_per_week
    assert new.value == 5.0
    assert new.source is None
    assert new.is_assumption
    assert new.assumption is not None and "3.85" in new.assumption
    assert new.range == (3.85, 5.0)
    assert new.unit == old.unit
    assert base.companies.recruitment_per_week == old


def test_plain_number_on_a_distribution_changes_its_mean() -> None:
    base = load_scenario(LOLLAND)
    changed = base.with_changes({"placement.duration_weeks": 10})
    new = changed.placement.duration_weeks
    assert (new.dist, new.mean, new.shape) == ("gamma", 10, 4)
    assert new.assumption is not None and "13" in new.assumption
    assert base.placement.duration_weeks.mean == 13


def test_a_shape_changed_by_a_what_if_keeps_the_range_of_the_mean() -> None:
    """The range is about the mean: a new shape or sd neither becomes it nor moves it."""
    base = load_scenario(LOLLAND)
    assumed = base.with_changes({"intake.assessment_weeks.shape": 1}).intake.assessment_weeks
    assert (assumed.mean, assumed.shape) == (4, 1)
    assert assumed.range == base.intake.assessment_weeks.range == (2, 8)
    sourced = base.with_changes({"placement.duration_weeks.shape": 2}).placement.duration_weeks
    assert sourced.assumption is not None and sourced.range == (13, 13)


def test_table_replaces_the_whole_quantity() -> None:
    new = {"value": 4, "unit": "slots", "source": "https://example.org/slots"}
    changed = build().with_changes({"companies.slots_per_company": new})
    assert changed.companies.slots_per_company.source == "https://example.org/slots"
    assert changed.companies.slots_per_company.value == 4


def test_list_items_by_name_and_by_index() -> None:
    base = build()
    changed = base.with_changes({"groups.all.readiness": 1.2})
    assert changed.groups[0].readiness.mean == 1.2
    assert base.with_changes({"groups.0.readiness": 1.2}).groups[0].readiness.mean == 1.2

    lolland = load_scenario(LOLLAND)
    shares = lolland.with_changes(
        {"groups.aktivitetsparat.share": 0.6, "groups.jobparat.share": 0.4}
    )
    assert [g.share.value for g in shares.groups] == [0.6, 0.4]
    target = lolland.with_changes({"targets.placed_850.threshold": 900})
    assert target.target("placed_850").threshold.value == 900


def test_change_by_name_is_validated() -> None:
    with pytest.raises(ScenarioError) as info:
        build().with_changes({"groups.all.share": 0.5})
    assert [p.path for p in info.value.problems] == ["groups.*.share"]


@pytest.mark.parametrize(
    "path",
    [
        "companies.bogus",
        "groups.nobody.share",
        "groups.7.share",
        "name.first",
        "staff.mentors.value",
    ],
)
def test_unknown_change_path_is_named(path: str) -> None:
    with pytest.raises(ScenarioError) as info:
        build().with_changes({path: 1})
    assert [p.path for p in info.value.problems] == [path]
    assert path in str(info.value)
    check_error(info.value)


def test_all_unknown_change_paths_are_reported() -> None:
    with pytest.raises(ScenarioError) as info:
        build().with_changes({"companies.bogus": 1, "placement.nope": 2, "companies.initial": 3})
    assert sorted(p.path for p in info.value.problems) == ["companies.bogus", "placement.nope"]


@pytest.mark.parametrize(
    "path",
    [
        "placement.outcomes.ordinary",
        "placement.outcomes.ordinary.value",
        "employment.reduced_to_ordinary",
    ],
)
def test_invalid_change_value_is_a_scenario_error(path: str) -> None:
    with pytest.raises(ScenarioError) as info:
        build().with_changes({path: 2.0})
    paths = [p.path for p in info.value.problems]
    value_path = path if path.endswith(".value") else f"{path}.value"
    assert value_path in paths
    check_error(info.value)


def test_hash_is_stable_and_changes_with_a_change(tmp_path: Path) -> None:
    base = build()
    assert re.fullmatch(r"[0-9a-f]{16}", base.hash)
    assert base.hash == build().hash == base.hash
    assert base.with_changes({}).hash == base.hash
    assert base.with_changes({"companies.slots_per_company": 1}).hash == base.hash
    one = base.with_changes({"companies.slots_per_company": 2})
    two = base.with_changes({"companies.slots_per_company": 3})
    assert len({base.hash, one.hash, two.hash}) == 3
    assert one.hash == base.with_changes({"companies.slots_per_company": 2}).hash
    # Not the file's formatting or location: only the validated content.
    copy_ = tmp_path / "copy.toml"
    copy_.write_text("# a comment\n\n" + LOLLAND_TEXT + "\n\n# trailing\n", encoding="utf-8")
    assert load_scenario(copy_).hash == load_scenario(LOLLAND).hash


# -- 6. loading never executes anything -------------------------------------------------------


def _payloads(marker: Path) -> list[str]:
    return [
        f"__import__('os').system('touch {marker}')",
        "{{7*7}}",
        f"$(touch {marker})",
        f"`touch {marker}`",
        f"!!python/object/apply:os.system ['touch {marker}']",
        "${HOME} %(name)s {0} <script>alert(1)</script>",
        f"{{{{ __import__('os').system('touch {marker}') }}}}",
    ]


@pytest.mark.parametrize("index", range(7))
def test_strings_in_a_file_are_plain_text(tmp_path: Path, index: int) -> None:
    marker = tmp_path / "pwned"
    payload = _payloads(marker)[index]
    text = LOLLAND_TEXT.replace(
        'name = "Rekruttering fra kanten, Lolland-Falster"', "name = '''" + payload + "'''", 1
    )
    text = re.sub(
        r'(?s)description = """.*?"""',
        lambda _: "description = '''" + payload + "'''",
        text,
        count=1,
    )
    text = text.replace(
        'description = "at least 400 companies taking part"', "description = '''" + payload + "'''"
    )
    path = tmp_path / "payload.toml"
    path.write_text(text, encoding="utf-8")
    scenario = load_scenario(path)
    assert scenario.name == payload
    assert scenario.description == payload
    assert scenario.target("companies_400").description == payload
    assert not marker.exists()
    changed = scenario.with_changes({"description": payload + "!"})
    assert changed.description == payload + "!"
    assert not marker.exists()


# -- once bugs: overflow, encoding, deep nesting, empty keys and values -----------------------


@pytest.mark.parametrize("weeks", [1e6, 1e12])
def test_huge_follow_up_weeks_is_a_scenario_error(weeks: float) -> None:
    with pytest.raises(ScenarioError):
        parse_scenario(raw({"period.follow_up_weeks": q(weeks)}))


def test_period_end_near_date_max_is_a_scenario_error() -> None:
    with pytest.raises(ScenarioError):
        parse_scenario(raw({"period.end": "9999-12-30"}))


def test_with_changes_huge_follow_up_is_a_scenario_error() -> None:
    with pytest.raises(ScenarioError):
        build().with_changes({"period.follow_up_weeks": 1e9})


def test_a_what_if_on_a_number_the_scenario_leaves_out_says_so() -> None:
    scenario = build()
    assert scenario.placement.hybrid_share is None  # optional, and not in this scenario
    with pytest.raises(ScenarioError) as caught:
        scenario.with_changes({"placement.hybrid_share": 0.1})
    (problem,) = caught.value.problems
    assert problem.path == "placement.hybrid_share" and "leaves this one out" in problem.expected
    assert "Quantity" not in str(caught.value) and "Annotated" not in str(caught.value)
    given = {"value": 0.1, "unit": "share", "assumption": "a what-if", "range": [0.0, 0.2]}
    assert scenario.with_changes({"placement.hybrid_share": given}).placement.hybrid_share


def test_huge_follow_up_weeks_in_toml_is_a_scenario_error(tmp_path: Path) -> None:
    text = LOLLAND_TEXT.replace(
        "end = 2021-12-31",
        "end = 2021-12-31\nfollow_up_weeks = "
        '{ value = 99999999999, unit = "weeks", assumption = "huge", range = [0, 1e11] }',
        1,
    )
    path = tmp_path / "huge.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError):
        load_scenario(path)


def test_non_utf8_file_is_a_scenario_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(LOLLAND_TEXT.replace("Beloeb", "Beløb").encode("latin-1"))
    with pytest.raises(ScenarioError):
        load_scenario(path)


@pytest.mark.parametrize(
    "text", ["a = " + "[" * 10_000 + "]" * 10_000, "a = " + "{b=" * 3000 + "1" + "}" * 3000]
)
def test_deeply_nested_toml_is_a_scenario_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "nested.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError):
        load_scenario(path)


def test_empty_top_level_key_problem_has_a_path() -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario({**raw(), "": 1})
    assert all(p.path for p in info.value.problems), info.value.problems


def test_empty_change_path_problem_has_a_path() -> None:
    with pytest.raises(ScenarioError) as info:
        build().with_changes({"": 1})
    assert all(p.path for p in info.value.problems), info.value.problems


def test_empty_source_reference_problem_has_a_given() -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(raw({"sources": {"mine": ""}}))
    assert [p.path for p in info.value.problems] == ["sources.mine"]
    assert all(p.given for p in info.value.problems), info.value.problems


# -- bounded, strict inputs (issue 14): each case one ScenarioError naming its field ----------

LOLLAND_EDITS = {
    "weibull shape 0.005": (
        'tenure_weeks = { dist = "exponential", mean = 104,',
        'tenure_weeks = { dist = "weibull", mean = 104, shape = 0.005,',
        "companies.tenure_weeks",
    ),
    "gamma shape 5e-324": (
        'willingness = { dist = "gamma", mean = 1.0, shape = 2',
        'willingness = { dist = "gamma", mean = 1.0, shape = 5e-324',
        "companies.willingness",
    ),
    "slots 1e8": ("slots_per_company = { value = 1,", "slots_per_company = { value = 100000000,",
                  "companies.slots_per_company.value"),
    "caseworkers 1e19": ("caseworkers = { value = 10,", "caseworkers = { value = 1e19,",
                         "staff.caseworkers.value"),
    "max companies 1e12": ("max_companies = { value = 600,", "max_companies = { value = 1e12,",
                           "companies.max_companies.value"),
    "count above 2**63": ("max_companies = { value = 600,",
                          "max_companies = { value = 9223372036854775809,",
                          "companies.max_companies.value"),
    "rate 1e9": ("rate_per_week = { value = 7.3,", "rate_per_week = { value = 1e9,",
                 "intake.rate_per_week.value"),
    "monthly unit on a weekly rate": ('unit = "citizens/week"', 'unit = "citizens/month"',
                                      "intake.rate_per_week.unit"),
    "true as a number": ("ramp_up_weeks = { value = 26,", "ramp_up_weeks = { value = true,",
                         "intake.ramp_up_weeks.value"),
    "text as a number": ("ramp_up_weeks = { value = 26,", 'ramp_up_weeks = { value = "26",',
                         "intake.ramp_up_weeks.value"),
    "text as a date": ("end = 2021-12-31\n", 'end = "2021-12-31"\n', "period.end"),
    "text as a boolean": ("[staff]\n", '[staff]\nmentor_required = "yes"\n',
                          "staff.mentor_required"),
    "nan in a range": ("range = [8, 52]", "range = [8, nan]", "intake.ramp_up_weeks.range.1"),
    "inf in a range": ("range = [8, 52]", "range = [-inf, 52]", "intake.ramp_up_weeks.range.0"),
    "shape for exponential": ('dist = "exponential", mean = 104,',
                              'dist = "exponential", mean = 104, shape = 2,',
                              "companies.tenure_weeks"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(LOLLAND_EDITS))
def test_out_of_bounds_or_mistyped_value_names_its_field(tmp_path: Path, case: str) -> None:
    old, new, field = LOLLAND_EDITS[case]
    assert old in LOLLAND_TEXT
    path = tmp_path / "edited.toml"
    path.write_text(LOLLAND_TEXT.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    check_error(info.value)
    assert field in [p.path for p in info.value.problems], str(info.value)


def test_lognormal_with_an_absurd_sd_is_refused() -> None:
    data = raw({"preparation.duration_weeks": d("lognormal", 4.0, sd=1e200)})
    found = assert_only(data, "preparation.duration_weeks")
    assert "100 times the mean" in found["preparation.duration_weeks"].expected


def test_bounds_are_stated_in_the_error() -> None:
    found = assert_only(raw({"staff": {"caseworkers": q(20_000), "caseload": q(10)}}),
                        "staff.caseworkers.value")  # fmt: skip
    assert "10000" in found["staff.caseworkers.value"].expected


def test_unit_error_says_units_are_not_converted() -> None:
    data = raw({"intake.monthly_counts": q([20.0] * 12, "citizens/week")})
    found = assert_only(data, "intake.monthly_counts.unit")
    assert "not converted" in found["intake.monthly_counts.unit"].expected


def test_a_scenario_too_big_for_memory_is_refused_with_the_figure() -> None:
    data = raw(
        {
            "intake": {
                "schedule": "poisson",
                "rate_per_week": q(9000.0),
                "assessment_weeks": d("exponential", 2.0),
            }
        }
    )
    found = assert_only(data, "scenario size")
    assert "GiB" in found["scenario size"].expected and "GiB" in found["scenario size"].given


def test_a_national_programme_of_100000_citizens_loads() -> None:
    scenario = load_scenario(LOLLAND).with_changes(
        {"intake.rate_per_week": 600.0, "intake.cohort_max": 100_000}
    )
    assert scenario.intake.cohort_max is not None
    assert scenario.intake.cohort_max.value == 100_000


def test_integral_float_for_a_count_is_exact_and_accepted() -> None:
    assert build({"companies.initial": q(10.0)}).companies.initial.value == 10
    assert_only(raw({"companies.initial": q(10.5)}), "companies.initial.value")


# -- bases confined to the scenario's folder; one-line errors, never a traceback --------------


def _programme(tmp_path: Path, extends: str) -> Path:
    path = tmp_path / "programme.toml"
    path.write_text(
        LOLLAND_TEXT.replace('extends = "base/denmark.toml"', f"extends = {extends}"),
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    "extends",
    ['"/etc/hostname"', '"../outside.toml"', '"base/../../outside.toml"', '"~/x.toml"'],
)
def test_a_base_outside_the_folder_is_refused(tmp_path: Path, extends: str) -> None:
    inner = tmp_path / "inner"
    shutil.copytree(BASES_DIR, inner / "base")
    (tmp_path / "outside.toml").write_text('token = "s3cret"\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(_programme(inner, extends))
    (problem,) = info.value.problems
    assert problem.path == "extends"
    assert "s3cret" not in str(info.value)


@pytest.mark.parametrize(
    "extends", ['"../base/denmark.toml"', '"base/denmark.toml"', f'"{BASES_DIR / "denmark.toml"}"']
)
def test_a_base_out_of_reach_says_where_the_shipped_base_is(tmp_path: Path, extends: str) -> None:
    """An analyst's file in a folder of its own is told to copy the shipped base beside it."""
    inner = tmp_path / "analyst"
    inner.mkdir()
    with pytest.raises(ScenarioError) as info:
        load_scenario(_programme(inner, extends))
    (problem,) = info.value.problems
    assert problem.path == "extends"
    assert f"copy a base there, such as the shipped {BASES_DIR}" in problem.expected


def test_unknown_keys_of_a_base_are_named_without_their_values(tmp_path: Path) -> None:
    (tmp_path / "base" / "denmark.toml").write_text(
        'token = "s3cret"\n' + (BASES_DIR / "denmark.toml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    path = tmp_path / "p.toml"
    path.write_text(LOLLAND_TEXT, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert [p.path for p in info.value.problems] == ["token"]
    assert "s3cret" not in str(info.value)


def _one_line(err: ScenarioError) -> None:
    check_error(err)
    assert "\n" not in str(err) and len(str(err)) < 600, str(err)


def test_a_2000_level_header_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "deep.toml"
    path.write_text("[" + ".".join(["a"] * 2000) + "]\nb = 1\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    _one_line(info.value)


def test_a_chain_of_1200_bases_is_one_line(tmp_path: Path) -> None:
    for i in range(1200):
        (tmp_path / f"b{i}.toml").write_text(f'extends = "b{i + 1}.toml"\n', encoding="utf-8")
    (tmp_path / "b1200.toml").write_text(LOLLAND_TEXT, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "b0.toml")
    _one_line(info.value)
    assert info.value.problems[0].path == "extends"


@pytest.mark.parametrize("extends", ['"base\\u0000x.toml"', '"' + "x" * 5000 + '.toml"'])
def test_a_nul_byte_or_a_5000_character_base_name_is_one_line(tmp_path: Path, extends: str) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(_programme(tmp_path, extends))
    _one_line(info.value)
    assert info.value.problems[0].path == "extends"


@pytest.mark.parametrize("name", ["a\0b.toml", "x" * 5000 + ".toml"])
def test_a_nul_byte_or_a_5000_character_file_name_is_one_line(tmp_path: Path, name: str) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(str(tmp_path / name))
    _one_line(info.value)


def test_a_nul_byte_in_the_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "nul.toml"
    path.write_text(LOLLAND_TEXT.replace("schema_version", "\0schema_version"), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    _one_line(info.value)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "name: expected a text of at least 1 character(s); got ''"),
        (
            {"staff.mentors": {"value": 20.5, "unit": "mentors", "assumption": "x"}},
            "staff.mentors.value: expected a whole number; got 20.5",
        ),
        (  # a bare number, not pydantic's class name
            {"staff.mentors": 10},
            "staff.mentors: expected a number as { value = ..., unit = ..., source = ... }",
        ),
        (
            {"preparation.duration_weeks": 12},
            "preparation.duration_weeks: expected a distribution as { dist = ..., mean = ...",
        ),
        ({"budget": 5}, "budget: expected a table of its fields; got 5"),
    ],
)
def test_pydantics_findings_read_as_what_was_expected(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(raw(changes))
    assert message in str(caught.value)


def test_a_distribution_without_a_positive_mean_says_what_it_needs() -> None:
    with pytest.raises(ScenarioError, match="expected a 'mean' > 0 for dist = 'exponential'"):
        build().with_changes({"placement.duration_weeks": 0})


def test_a_list_item_with_a_name_is_named_by_it_in_an_error() -> None:
    """As paths address it everywhere else (``targets.ordinary_550.date``)."""
    data = raw({"targets": [target("ordinary_60", "ordinary", 60)]})
    data["targets"][0]["metric"] = "happiness"
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data)
    assert [p.path for p in caught.value.problems] == ["targets.ordinary_60.metric"]


def test_a_misspelt_required_key_is_one_problem_with_a_suggestion() -> None:
    data = raw({})
    data["period"]["strat"] = data["period"].pop("start")
    data["period"]["zzz"] = 1  # unknown, and like nothing that is missing
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data)
    found = {p.path: p.expected for p in info.value.problems}
    assert found == {
        "period.strat": "no such field (unknown key) (did you mean 'start'?)",
        "period.zzz": "no such field (unknown key)",
    }  # and no "period.start: required field is missing" beside it


@pytest.mark.parametrize(
    ("line", "hint"),
    [("start = 01-01-2025", True), ("start = 2027-12", True), ("start = 1.1.2025", True),
     ("start = [1, 2", False), ("start = 2025-01-01x", False)],
)  # fmt: skip
def test_bad_toml_that_looks_like_a_date_says_how_dates_are_written(
    tmp_path: Path, line: str, hint: bool
) -> None:
    path = tmp_path / "s.toml"
    path.write_text(f'name = "x"\n[period]\n{line}\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    [problem] = info.value.problems
    assert problem.expected.startswith("valid TOML")
    assert ("a date is written YYYY-MM-DD" in problem.expected) is hint
