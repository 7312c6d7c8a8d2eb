"""The multilingual text encoder: hashed character n-grams, sublinear TF, smoothed IDF."""

from __future__ import annotations

import math

import numpy as np
import pytest

from services.matching.text import TextEncoder, activity_text
from tests.catalogue.builders import valid_details

CORPUS = [
    "Limpieza de la playa de la Malvarrosa con voluntarios locales",
    "Visita guiada accesible al museo de bellas artes",
    "Beach clean-up with local volunteers",
    "Homework club for children in the neighbourhood",
]


def cosine(encoder: TextEncoder, a: str, b: str) -> float:
    vectors = encoder.encode([a, b])
    return float((vectors[0] @ vectors[1].T).toarray()[0, 0])


def test_encoded_rows_are_unit_length_and_empty_text_is_zero() -> None:
    encoder = TextEncoder()
    encoder.fit_idf(CORPUS)

    vectors = encoder.encode(["Beach clean-up in Valencia", ""])

    norms = np.sqrt(vectors.multiply(vectors).sum(axis=1)).A1
    assert norms == pytest.approx([1.0, 0.0])


def test_term_frequency_is_sublinear() -> None:
    encoder = TextEncoder()

    once = encoder.term_frequencies(["sea"])
    twice = encoder.term_frequencies(["sea sea"])

    # " sea " yields the same n-grams twice: 1 + ln 2 instead of 2.
    assert once.data.max() == pytest.approx(1.0)
    assert twice.data.max() == pytest.approx(1 + math.log(2))


def test_idf_weighs_rare_terms_more_and_gives_unseen_terms_the_most() -> None:
    encoder = TextEncoder()
    encoder.fit_idf(CORPUS)
    common = encoder.term_frequencies(["local"]).indices  # in two of four documents
    rare = encoder.term_frequencies(["museo"]).indices  # in one
    unseen = encoder.term_frequencies(["zzzqx"]).indices

    idf = encoder.idf
    assert encoder.fitted_on == len(CORPUS)
    assert idf[rare].min() > idf[common].min()
    assert idf[unseen] == pytest.approx(math.log(1 + len(CORPUS)) + 1)
    assert idf.max() == pytest.approx(math.log(1 + len(CORPUS)) + 1)


def test_encoding_new_documents_keeps_the_idf() -> None:
    encoder = TextEncoder()
    encoder.fit_idf(CORPUS)
    before = encoder.idf.copy()

    encoder.encode(["Something entirely new: a tree-planting morning in Tirana"])

    assert np.array_equal(encoder.idf, before)
    assert encoder.fitted_on == len(CORPUS)


def test_before_any_fit_every_term_weighs_the_same() -> None:
    encoder = TextEncoder()

    assert encoder.fitted_on == 0
    assert np.all(encoder.idf == 1.0)
    assert cosine(encoder, "beach", "beach") == pytest.approx(1.0)


def test_similar_texts_in_one_language_are_closer_than_unrelated_ones() -> None:
    encoder = TextEncoder()
    encoder.fit_idf(CORPUS)
    motivation = "Quiero ayudar con la limpieza de playas"

    beach = cosine(encoder, motivation, CORPUS[0])
    museum = cosine(encoder, motivation, CORPUS[1])

    assert beach > museum


def test_accents_and_case_do_not_matter() -> None:
    encoder = TextEncoder()
    encoder.fit_idf(CORPUS)

    assert cosine(encoder, "VALÈNCIA", "valencia") == pytest.approx(1.0)


def test_activity_text_has_title_description_goal_and_skills() -> None:
    details = valid_details(title="Beach day", goal="Cleaner sand", skills_wanted=["first aid"])

    text = activity_text(details)

    assert "Beach day" in text
    assert details.description in text
    assert "Cleaner sand" in text
    assert "first aid" in text


def test_cached_encoding_equals_encoding_and_follows_a_new_idf() -> None:
    """A remembered motivation vector is the fresh one, and is forgotten when the IDF moves."""
    encoder = TextEncoder()
    encoder.fit_idf(["beach clean-up", "museum night", "food bank"])
    text = "I want to clean the beach"
    assert (encoder.encode_cached(text) != encoder.encode([text])).nnz == 0
    before = encoder.encode_cached(text)
    encoder.fit_idf(["beach", "beach", "beach", "clean"])
    after = encoder.encode_cached(text)
    assert (after != encoder.encode([text])).nnz == 0
    assert (after != before).nnz > 0
