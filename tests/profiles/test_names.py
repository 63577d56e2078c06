import pytest

from profiles.names import decode_latex, fold_name, slug_for_name

# pylatexenc fails on each of these with IndexError, KeyError or RecursionError.
UNDECODABLE = [r"\href", r"\href{a}{b}", r"\sqrt[3]", r"\verb", r"\footnote", "{" * 499]


def test_decodes_latex_accents():
    assert decode_latex(r"Bal\'azs {\O}bro Zo\"{e}") == "Balázs Øbro Zoë"


@pytest.mark.parametrize("text", UNDECODABLE)
def test_keeps_text_it_cannot_decode_as_written(text):
    assert decode_latex(text) == text


@pytest.mark.parametrize("text", UNDECODABLE)
def test_folds_and_slugs_text_it_cannot_decode(text):
    name = f"José {text}"

    assert fold_name(name).startswith("jose")
    assert slug_for_name(name).startswith("jose")
