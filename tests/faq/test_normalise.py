"""Customer text is normalised the same way as FAQ text before matching."""
import pytest

from faq.normalise import MAX_QUERY_CHARS, normalise, numerals_to_digits, rule_form


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＭＯＱ是多少", "moq是多少"),  # full-width letters → half-width, lower-case
        ("付款后３天", "付款后3天"),  # full-width digits
        ("發貨時間", "发货时间"),  # traditional → simplified
        ("ISO9001 Certificate", "iso9001certificate"),  # casefold, spaces dropped
        ("发货了吗？！", "发货了"),  # punctuation and a sentence particle
        ("多少钱😀👍", "多少钱"),  # emoji
        ("请问你好，能开专票吗", "能开专票"),  # filler words
        ("您好我想问一下起订量呢", "起订量"),
        ("三天能到吗", "3天能到"),  # Chinese numerals → digits
        ("十五吨", "15吨"),
        ("三百零五米", "305米"),
        ("一万五千米", "15000米"),
        ("二〇二四年", "2024年"),
        ("能不能发货", "能发货"),  # A-not-A question form
        ("包不包邮", "包邮"),
        ("啥时候发货", "什么时候发货"),  # colloquial
        ("咋开发票", "怎么开发票"),
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


def test_words_that_only_look_like_numbers_stay():
    assert numerals_to_digits("万一延迟") == "万一延迟"
    assert numerals_to_digits("百分比") == "百分比"


def test_particles_inside_words_are_kept():
    assert normalise("吗啡和呢绒") == "吗啡和呢绒"


def test_emoji_only_and_filler_only_text_normalise_to_nothing():
    assert normalise("😀😀🎉") == ""
    assert normalise("你好！在吗？") == ""
    assert normalise("") == ""


def test_huge_text_is_capped():
    assert len(normalise("发" * 100_000)) == MAX_QUERY_CHARS


def test_rule_form_keeps_greetings():
    assert rule_form("你好！") == "你好"


@pytest.mark.parametrize("text", ["好的", "收到！", "OK", "嗯嗯", "谢谢～"])
def test_bare_acknowledgements_are_not_questions(text):
    assert normalise(text) == ""


def test_acknowledgement_words_inside_a_question_are_kept():
    assert normalise("收到货有破损") == "收到货有破损"
