"""The listings evaluation: reading a CSV, the split, the students, the metrics, and one run
of the whole command through real services."""

from __future__ import annotations

import csv
import io
import json
import math
import random
from pathlib import Path

import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from services.kernel import limits as activity_limits
from services.matching import limits as matching_limits
from services.matching.evaluate import main, parse_args
from services.matching.listings_evaluation import (
    METHODS,
    Listing,
    ListingsError,
    Split,
    Student,
    activity_description,
    activity_title,
    baseline_lists,
    build_students,
    parse_bool,
    parse_listings,
    random_lists,
    score_method,
    split_listings,
    tfidf_lists,
)


def parsed(text: str, *args: list[str] | None) -> list[Listing]:
    text_columns = args[0] if args else ["title"]
    label_columns = args[1] if len(args) > 1 else None
    return list(parse_listings(io.StringIO(text), text_columns or [], label_columns).items)


# --- Reading ----------------------------------------------------------------------------------


def test_boolean_spellings() -> None:
    assert [parse_bool(v) for v in ("True", "false", " YES ", "no", "1", "0")] == [
        True,
        False,
        True,
        False,
        True,
        False,
    ]
    assert parse_bool("") is None
    assert parse_bool("2") is None
    assert parse_bool("maybe") is None


def test_label_columns_are_the_boolean_ones_and_a_listing_may_carry_several() -> None:
    text = (
        ",title,desc,animals,city,arts,score\n"
        "0,Dog walking,Walk shelter dogs,True,Chicago,yes,3\n"
        "1,Mural,Paint a wall,false,Chicago,1,4\n"
        "2,Cat care,Feed cats,1,Evanston,no,1\n"
    )
    listings = parse_listings(io.StringIO(text), ["title", "desc"])

    # The unnamed index (0, 1, 2 would read as booleans in a shorter file), the city and the
    # score are not labels.
    assert listings.label_columns == ("animals", "arts")
    assert listings.text_columns == ("title", "desc")
    first, second, third = listings.items
    assert first.labels == {"animals", "arts"}
    assert second.labels == {"arts"}
    assert third.labels == {"animals"}
    assert first.title == "Dog walking"
    assert first.text == "Dog walking\nWalk shelter dogs"
    assert [item.row for item in listings.items] == [0, 1, 2]


def test_an_unnamed_index_of_zeros_and_ones_is_not_a_label() -> None:
    text = ",title,animals\n0,Dog walking,True\n1,Mural,False\n"

    listings = parse_listings(io.StringIO(text), ["title"])

    assert listings.label_columns == ("animals",)


def test_named_label_columns_must_hold_booleans() -> None:
    text = "title,animals,city\nDog walking,True,Chicago\n"

    listings = parse_listings(io.StringIO(text), ["title"], ["animals"])
    assert listings.label_columns == ("animals",)
    with pytest.raises(ListingsError, match="'city' is 'Chicago', not a boolean"):
        parse_listings(io.StringIO(text), ["title"], ["city"])


def test_unknown_columns_and_files_without_labels_are_refused() -> None:
    text = "title,city\nDog walking,Chicago\n"

    with pytest.raises(ListingsError, match="no column 'desc'; the columns are 'title', 'city'"):
        parse_listings(io.StringIO(text), ["desc"])
    with pytest.raises(ListingsError, match="no column holds only booleans"):
        parse_listings(io.StringIO(text), ["title"])
    with pytest.raises(ListingsError, match="line 2 has 1 fields, the header 2"):
        parse_listings(io.StringIO("title,animals\nDog walking\n"), ["title"])


def test_empty_text_parts_are_left_out_of_the_text() -> None:
    [listing] = parsed("title,desc,animals\nDog walking,,True\n", ["title", "desc"])

    assert listing.text == "Dog walking"


def test_what_the_services_are_sent_fits_their_limits() -> None:
    long_title = "Help\tat the\nshelter " * 20
    listing = Listing(0, long_title, long_title + "\x00more " * 2000, frozenset())

    title, description = activity_title(listing), activity_description(listing)

    assert len(title) == activity_limits.TITLE_MAX_CHARS
    assert title.startswith("Help at the shelter Help")
    assert "\n" not in title
    assert "\t" not in title
    assert len(description) == activity_limits.DESCRIPTION_MAX_CHARS
    assert "\x00" not in description
    assert "\n" in description
    # A title too short to publish borrows from the text, or else names the row.
    assert activity_title(Listing(3, "A", "A nice walk", frozenset())) == "A nice walk"
    assert activity_title(Listing(3, "", "", frozenset())) == "Listing 3"
    assert activity_description(Listing(3, "", "", frozenset())) == "Listing 3"


# --- Split and students -----------------------------------------------------------------------


def labelled(count: int, labels: list[str]) -> list[Listing]:
    """``count`` listings, the n-th carrying ``labels[n % len(labels)]``."""
    return [
        Listing(n, f"Listing {n}", f"text of listing {n}", frozenset({labels[n % len(labels)]}))
        for n in range(count)
    ]


def test_the_split_puts_30_percent_in_the_pool_disjoint_from_the_published() -> None:
    listings = labelled(100, ["a", "b"])

    split = split_listings(listings, seed=0)

    assert len(split.pool) == 30
    assert len(split.published) == 70
    assert {x.row for x in split.pool} | {x.row for x in split.published} == set(range(100))
    assert not {x.row for x in split.pool} & {x.row for x in split.published}
    # Shuffled, not the file's order.
    assert [x.row for x in split.pool] != list(range(30))


def test_the_split_and_the_students_depend_on_the_seed_only() -> None:
    listings = labelled(100, ["a", "b"])

    assert split_listings(listings, 1) == split_listings(listings, 1)
    assert split_listings(listings, 1) != split_listings(listings, 2)
    assert build_students(split_listings(listings, 1), ["a", "b"]) == build_students(
        split_listings(listings, 1), ["a", "b"]
    )
    assert build_students(split_listings(listings, 1), ["a", "b"]) != build_students(
        split_listings(listings, 2), ["a", "b"]
    )


def test_students_come_20_per_label_with_3_distinct_pool_listings_of_it() -> None:
    listings = labelled(100, ["a", "b", "c"])
    listings.append(Listing(100, "Rare", "a rare one", frozenset({"rare"})))
    split = split_listings(listings, seed=0)
    by_row = {x.row: x for x in split.pool}

    students = build_students(split, ["a", "b", "c", "rare", "unused"])

    # Fewer than three pool listings carry "rare" (one at most) and none "unused".
    assert [s.label for s in students] == ["a"] * 20 + ["b"] * 20 + ["c"] * 20
    assert len({s.student_id for s in students}) == 60
    for student in students:
        assert len(set(student.sources)) == 3
        assert all(student.label in by_row[row].labels for row in student.sources)
        assert student.motivation == "\n\n".join(by_row[row].text for row in student.sources)


def test_a_label_with_exactly_three_pool_listings_gets_students() -> None:
    pool = tuple(Listing(n, "t", f"text {n}", frozenset({"a"})) for n in range(3))
    split = Split(5, pool, ())

    students = build_students(split, ["a"], per_label=4)

    assert len(students) == 4
    assert all(sorted(s.sources) == [0, 1, 2] for s in students)


def test_a_long_motivation_is_cut_to_the_profile_limit() -> None:
    pool = tuple(Listing(n, "t", "word " * 1000, frozenset({"a"})) for n in range(3))

    [student] = build_students(Split(0, pool, ()), ["a"], per_label=1)

    assert len(student.motivation) == matching_limits.MOTIVATION_MAX_CHARS


# --- Metrics and baselines --------------------------------------------------------------------


def student(label: str, number: int = 0) -> Student:
    return Student(f"s-{label}-{number}", label, (), "")


def test_precision_and_ndcg_are_macro_averaged_over_labels() -> None:
    published = [
        Listing(0, "t", "", frozenset({"a"})),
        Listing(1, "t", "", frozenset({"a", "b"})),
        Listing(2, "t", "", frozenset()),
        Listing(3, "t", "", frozenset({"b"})),
    ]
    students = [student("a", 0), student("a", 1), student("b")]
    lists = [["0", "2"], ["2", "3"], ["1", "elsewhere"]]

    scores = score_method("m", lists, students, published, k=2)

    # Label a: 1/2 and 0/2 (mean 1/4); label b: 1/2. Macro: (1/4 + 1/2) / 2.
    assert scores.precision_by_label == {"a": 0.25, "b": 0.5}
    assert scores.precision == pytest.approx(0.375)
    # NDCG: student a0 hits at rank 1 of 2 relevant: 1 / (1 + 1/log2(3)); a1 none; b hits at
    # rank 1: the same.
    first_hit = 1 / (1 + 1 / math.log2(3))
    assert scores.ndcg == pytest.approx((first_hit / 2 + first_hit) / 2)
    # Listings 0, 1, 2 and 3 were all shown; "elsewhere" is no published listing.
    assert scores.coverage == 1.0
    assert score_method("m", [["0"], ["0"], ["1"]], students, published, k=2).coverage == 0.5


def test_a_short_list_is_not_rewarded() -> None:
    published = [Listing(0, "t", "", frozenset({"a"})), Listing(1, "t", "", frozenset({"a"}))]

    scores = score_method("m", [["0"]], [student("a")], published, k=2)

    assert scores.precision == 0.5


def test_tfidf_ranks_by_cosine_with_ties_in_published_order() -> None:
    documents = ["dogs and cats", "paint a mural", "walk the dogs", "nothing alike"]

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)

    [dogs, unrelated] = tfidf_lists(["dogs", "xylophone"], documents, vectorizer, k=3)

    assert set(dogs[:2]) == {0, 2}
    # Nothing in common with any document: every score ties, so the published order stands.
    assert unrelated == [0, 1, 2]


def test_random_lists_are_seeded_distinct_and_within_the_published() -> None:
    lists = random_lists(5, 12, 10, seed=3)

    assert lists == random_lists(5, 12, 10, seed=3)
    assert lists != random_lists(5, 12, 10, seed=4)
    assert all(len(set(items)) == 10 and set(items) <= set(range(12)) for items in lists)


def test_word_tfidf_finds_the_label_of_a_clear_vocabulary() -> None:
    listings = list(parse_listings(io.StringIO(labelled_csv(60)), ["title", "desc"]).items)
    split = split_listings(listings, seed=0)
    students = build_students(split, ["animals", "arts", "food"])

    lists = baseline_lists(split, students, k=10)
    scores = {
        name: score_method(name, items, students, split.published) for name, items in lists.items()
    }

    assert scores["word TF-IDF 1-2"].precision > 0.8
    assert scores["char_wb TF-IDF 3-5"].precision > 0.8
    assert scores["random"].precision < 0.6


# --- The command ------------------------------------------------------------------------------

VOCABULARY = {
    "animals": "dogs cats shelter kennel pets puppies adoption vet grooming leash",
    "arts": "theatre painting gallery museum music concert mural sculpture stage poetry",
    "food": "pantry meals kitchen cooking groceries soup bakery harvest dinner nutrition",
}
SHARED = "volunteer help our team community weekly join people support"


def labelled_csv(count: int) -> str:
    """``count`` listings in three labels of clearly distinct vocabulary, an unnamed index
    column, a text column that is not a label, and every seventh listing in two labels."""
    draw = random.Random(11)
    names = list(VOCABULARY)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["", "title", "org", "desc", *names])
    for n in range(count):
        label = names[n % 3]
        words = VOCABULARY[label].split()
        labels = {label, names[(n + 1) % 3]} if n % 7 == 0 else {label}
        title = f"{draw.choice(SHARED.split()).title()} {' '.join(draw.sample(words, 2))}"
        desc = " ".join(draw.sample(words, 5) + draw.sample(SHARED.split(), 4))
        writer.writerow([n, title, f"Org {n}", desc, *(str(name in labels) for name in names)])
    return out.getvalue()


def test_the_listings_options() -> None:
    args = parse_args(["--listings", "x.csv", "--text-columns", "title", "desc"])
    assert args.seeds == [0, 1, 2]
    assert args.students_per_label == 20
    assert args.label_columns is None
    with pytest.raises(SystemExit):
        parse_args(["--listings", "x.csv"])  # no text columns
    with pytest.raises(SystemExit):
        parse_args(["--listings", "x.csv", "--redis-url", "redis://x", "--text-columns", "t"])
    with pytest.raises(SystemExit):
        parse_args(["--text-columns", "title"])  # without --listings
    with pytest.raises(SystemExit):
        parse_args(["--listings", "x.csv", "--text-columns", "t", "--k", "51"])


def test_a_missing_column_is_reported_without_starting_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "listings.csv"
    path.write_text(labelled_csv(6))

    assert main(["--listings", str(path), "--text-columns", "headline"]) == 2
    assert "no column 'headline'" in capsys.readouterr().err


@pytest.mark.timeout(240)
def test_the_command_evaluates_a_labelled_file_through_the_services(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "listings.csv"
    path.write_text(labelled_csv(60))

    code = main(
        [
            "--listings",
            str(path),
            "--text-columns",
            "title",
            "desc",
            "--seeds",
            "0",
            "--students-per-label",
            "5",
            "--json",
        ]
    )

    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["label_columns"] == ["animals", "arts", "food"]
    assert report["listings"] == 60
    assert set(report["methods"]) == set(METHODS)
    [seed] = report["seeds"]
    assert (seed["activities"], seed["students"]) == (42, 15)
    assert seed["labels"] == ["animals", "arts", "food"]
    api = report["methods"]["Recommend (API)"]
    random_ = report["methods"]["random"]
    # Three balanced labels (a seventh of the listings in two): random finds about 0.4.
    assert random_["precision_at_k"] < 0.6
    assert api["precision_at_k"] > random_["precision_at_k"] + 0.2
    assert 0 < api["catalogue_coverage"] <= 1
