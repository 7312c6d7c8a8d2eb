"""Text relevance: tokens, BM25 document weights, live term statistics, queries."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import HashingVectorizer

from services.matching.text import (
    K1,
    N_FEATURES,
    TermStatistics,
    TextEncoder,
    activity_text,
    query_term_weights,
    tokens,
)
from tests.catalogue.builders import valid_details

CORPUS = [
    "Limpieza de la playa de la Malvarrosa con voluntarios locales",
    "Visita guiada accesible al museo de bellas artes",
    "Beach clean-up with local volunteers",
    "Homework club for children in the neighbourhood",
]


def statistics_of(encoder: TextEncoder, documents: list[str]) -> TermStatistics:
    statistics = TermStatistics(encoder.n_features)
    for row in encoder.document_weights(documents):
        statistics.add(row.indices)
    return statistics


def relevance(encoder: TextEncoder, statistics: TermStatistics, query: str, document: str) -> float:
    prepared = encoder.query(query)
    weights = np.zeros(encoder.n_features)
    weights[prepared.indices] = query_term_weights(prepared, statistics)
    (score,) = encoder.document_weights([document]) @ weights
    return float(score)


def test_tokens_are_folded_words_without_function_words() -> None:
    assert tokens("La RUE de València, à Noël!") == ["rue", "valencia", "noel"]
    assert tokens("a b") == []


def test_concept_tokens_follow_the_words_and_count_twice() -> None:
    assert tokens("I want to help the children") == [
        "want",
        "help",
        "children",
        "zzc_children",
        "zzc_children",
    ]
    assert set(tokens("Limpieza de playas")) & set(tokens("Beach clean-up")) == {
        "zzc_beach_cleanup"
    }


def test_plurals_lose_their_s() -> None:
    assert tokens("Volunteers, voluntarios, bénévoles") == ["volunteer", "voluntario", "benevole"]
    assert tokens("class bus gas") == ["class", "bus", "gas"]


def test_document_weights_saturate_and_discount_long_documents() -> None:
    encoder = TextEncoder()
    once, twice = encoder.document_weights(["sea", "sea sea"])
    short, long = encoder.document_weights(["sea " + "x" * 8, "sea " + " ".join(["word"] * 60)])

    assert twice.data.max() < 2 * once.data.max()
    assert twice.data.max() > once.data.max()
    assert long[0, once.indices[0]] < short[0, once.indices[0]]
    assert encoder.document_weights(["sea " * 1000]).data.max() < K1 + 1


def test_rare_words_weigh_more_and_unseen_ones_the_most() -> None:
    encoder = TextEncoder()
    statistics = statistics_of(encoder, ["street lantern", "Street", "pavement"])
    (common,) = encoder.query("street").indices  # in two of three documents
    (rare,) = encoder.query("lantern").indices  # in one
    (unseen,) = encoder.query("zzzqx").indices  # in none

    idf = statistics.idf(np.array([common, rare, unseen], np.int32))

    assert statistics.documents == 3
    assert 0 < idf[0] < idf[1] < idf[2]


def test_statistics_forget_removed_documents_exactly() -> None:
    encoder = TextEncoder()
    statistics = statistics_of(encoder, CORPUS)
    extra = encoder.document_weights(["Museo nocturno"])[0]
    ids = encoder.query("museo nocturno").indices
    before = statistics.frequency(ids).copy()

    statistics.add(extra.indices)
    assert (statistics.frequency(ids) == before + 1).all()
    statistics.remove(extra.indices)

    assert (statistics.frequency(ids) == before).all()
    assert statistics.documents == len(CORPUS)


def test_similar_texts_in_one_language_are_closer_than_unrelated_ones() -> None:
    encoder = TextEncoder()
    statistics = statistics_of(encoder, CORPUS)
    motivation = "Quiero ayudar con la limpieza de playas"

    beach = relevance(encoder, statistics, motivation, CORPUS[0])
    museum = relevance(encoder, statistics, motivation, CORPUS[1])

    assert beach > museum == 0.0


def test_accents_and_case_do_not_matter() -> None:
    encoder = TextEncoder()
    statistics = statistics_of(encoder, ["València", "Tirana"])

    assert relevance(encoder, statistics, "VALÈNCIA", "valencia") == pytest.approx(
        relevance(encoder, statistics, "valencia", "valencia")
    )
    assert relevance(encoder, statistics, "VALÈNCIA", "valencia") > 0


def test_a_query_without_words_scores_nothing() -> None:
    encoder = TextEncoder()

    assert not encoder.query("   ")
    assert not encoder.query("the and of")
    assert encoder.query("beach")


def test_queries_are_remembered() -> None:
    encoder = TextEncoder()
    text = "I want to clean the beach"

    assert encoder.query(text) is encoder.query(text)
    assert encoder.query(text) is not encoder.query(text + " again")


def test_activity_text_has_title_description_goal_and_skills() -> None:
    details = valid_details(title="Beach day", goal="Cleaner sand", skills_wanted=["first aid"])

    text = activity_text(details)

    assert "Beach day" in text
    assert details.description in text
    assert "Cleaner sand" in text
    assert "first aid" in text


@settings(max_examples=200, deadline=None)
@given(
    documents=st.lists(st.text(max_size=80), min_size=1, max_size=5),
    n_features=st.sampled_from([2**4, 2**10, N_FEATURES]),
)
def test_token_counts_are_those_of_scikit_learns_hashing(
    documents: list[str], n_features: int
) -> None:
    # Hashing as scikit-learn does keeps every stored snapshot and evaluation comparable
    reference = HashingVectorizer(
        analyzer=tokens, n_features=n_features, alternate_sign=False, norm=None
    ).transform(documents)

    counts = TextEncoder(n_features).counts(documents)

    assert counts.shape == reference.shape
    assert (counts != reference).nnz == 0
    assert np.array_equal(counts.indptr, reference.indptr)
    assert np.array_equal(counts.indices, reference.indices)
