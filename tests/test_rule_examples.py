"""Every default rule's examples, on both engines: positives are found, negatives are not."""
import pytest

from scanner.rules import load_rules
from scanner.rules.examples import example_failures

RULES = load_rules().rules


def test_default_packs_have_enough_rules():
    assert len(RULES) >= 120


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_has_examples_and_compiles(rule):
    assert rule.positive and rule.negative, f"{rule.id} needs positive and negative examples"
    assert rule.remediation, f"{rule.id} needs a remediation text"
    if rule.regex is not None:
        assert rule.secret_group is not None


@pytest.mark.parametrize("engine", ["portable", "hyperscan"])
def test_all_examples_behave(engine):
    assert example_failures(load_rules(), engine=engine) == []
