"""From a number or address as a customer master writes it to the key the function looks it up by.

Phone numbers are parsed with libphonenumber (``phonenumbers``), so any written form lands in the same place:
full-width digits and hyphens, ``03(1234)5678``, ``+81-3-1234-5678``, ``090-1234-5678``, ``020 7946 0958``,
``(202) 555-0143``, a Tokyo number a spreadsheet stripped of its leading 0, ``03-1234-5678 内線12`` (the
extension is dropped: a caller ID never carries one). The E.164 number is then written as the rule's table
keys it, with the function's own conversion (``ctr_enrichment.phone.to_national`` for ``key_format =
"national"``), so a key the loader writes is exactly the key the function looks up. Email addresses get the
function's ``normalize_email`` after full-width characters are folded (NFKC), which Japanese masters are full of.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from phonenumbers import CountryCodeSource, NumberParseException, PhoneNumberFormat, ValidationResult

from ctr_enrichment.config import Rule
from ctr_enrichment.phone import national_plan, normalize_email, to_national

# Japanese masters write an extension as 内線 (and half-width ﾅｲｾﾝ); libphonenumber knows "ext." and "x".
_EXTENSION_WORDS = re.compile(r"\s*(?:内線|ﾅｲｾﾝ)\s*")
_PARENTHESES = re.compile(r"[()]")
_DASHES = re.compile(r"[-\u2010-\u2015\u2212\u30fc\uff70]")
_DIGITS = re.compile(r"[0-9]+")
_WHY_NOT_POSSIBLE = {
    ValidationResult.TOO_SHORT: "too short",
    ValidationResult.TOO_LONG: "too long",
    ValidationResult.INVALID_LENGTH: "of a length no number has",
    ValidationResult.INVALID_COUNTRY_CODE: "of a calling code that does not exist",
}

# The written forms the report's chart counts, each with the form of its example.
FORM_E164 = "E.164"
FORM_INTERNATIONAL = "international"
FORM_INTERNATIONAL_PREFIX = "international dialling prefix"
FORM_COUNTRY_CODE_WITHOUT_PLUS = "country code without +"
FORM_FULL_WIDTH = "full-width"
FORM_EXTENSION = "extension"
FORM_PARENTHESES = "parentheses"
FORM_HYPHENS = "hyphens"
FORM_SPACES = "spaces"
FORM_OTHER_SEPARATORS = "other separators"
FORM_DIGITS = "digits only"
FORM_NO_TRUNK_PREFIX = "no trunk prefix (a lost 0?)"
FORM_EMAIL = "email"
FORM_EMAIL_CAPITALS = "email with capitals"
FORM_EMAIL_FULL_WIDTH = "email, full-width"


class NotAKey(ValueError):
    """The value cannot become a key; the message says why, for the report."""


@dataclass(frozen=True, slots=True)
class Key:
    key: str  # what the function looks up
    form: str  # how the master wrote it (the report's chart)
    e164: str | None = None  # phone numbers: the number in E.164


class PhoneKeys:
    """Keys for one phone rule: its key format and country, and the country of numbers written without one."""

    def __init__(self, rule: Rule, country: str | None) -> None:
        self.rule = rule
        self.country = country
        self._plan = national_plan(rule.country) if rule.key_format == "national" and rule.country else None

    def key(self, raw: str) -> Key:
        text = raw.strip()
        folded = unicodedata.normalize("NFKC", text)
        extension = bool(_EXTENSION_WORDS.search(folded)) or bool(re.search(r"(?i)\b(?:ext|x)\.?\s*\d+\s*$", folded))
        folded = _EXTENSION_WORDS.sub(" ext. ", folded)
        try:
            number = phonenumbers.parse(folded, self.country, keep_raw_input=True)
        except NumberParseException as error:
            raise NotAKey(self._why_not_parsed(error)) from None
        possible = phonenumbers.is_possible_number_with_reason(number)
        region = phonenumbers.region_code_for_country_code(number.country_code)
        if possible not in (ValidationResult.IS_POSSIBLE, ValidationResult.IS_POSSIBLE_LOCAL_ONLY):
            raise NotAKey(f"{_WHY_NOT_POSSIBLE.get(possible, 'not a possible number')} for a number of {region}")
        if possible == ValidationResult.IS_POSSIBLE_LOCAL_ONLY or not phonenumbers.is_valid_number(number):
            raise NotAKey(f"not a valid number of {region} (a digit missing or one too many?)")
        e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
        key = e164 if self._plan is None else to_national(e164, self._plan)
        return Key(key, self._form(text, folded, number, extension), e164)

    def _why_not_parsed(self, error: NumberParseException) -> str:
        if error.error_type == NumberParseException.INVALID_COUNTRY_CODE:
            if self.country is None:
                return "no country code (+81...): pass --country for numbers written without one"
            return "the number's country code does not exist"
        if error.error_type == NumberParseException.NOT_A_NUMBER:
            return "not a phone number"
        if error.error_type == NumberParseException.TOO_SHORT_NSN:
            return "too short to be a phone number"
        if error.error_type == NumberParseException.TOO_LONG:
            return "too long to be a phone number"
        return "not a phone number"  # TOO_SHORT_AFTER_IDD and anything libphonenumber adds

    def _form(self, text: str, folded: str, number: phonenumbers.PhoneNumber, extension: bool) -> str:
        if extension:
            return FORM_EXTENSION
        if text != folded and not text.isascii():
            return FORM_FULL_WIDTH
        source = number.country_code_source
        if source == CountryCodeSource.FROM_NUMBER_WITH_PLUS_SIGN:
            return FORM_E164 if re.fullmatch(r"\+[0-9]+", folded) else FORM_INTERNATIONAL
        if source == CountryCodeSource.FROM_NUMBER_WITH_IDD:
            return FORM_INTERNATIONAL_PREFIX
        if source == CountryCodeSource.FROM_NUMBER_WITHOUT_PLUS_SIGN:
            return FORM_COUNTRY_CODE_WITHOUT_PLUS
        if _PARENTHESES.search(folded):
            return FORM_PARENTHESES
        if _DASHES.search(folded):
            return FORM_HYPHENS
        if " " in folded:
            return FORM_SPACES
        if not _DIGITS.fullmatch(folded):
            return FORM_OTHER_SEPARATORS
        national = re.sub(r"\D", "", phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL))
        return FORM_DIGITS if folded == national or not national.endswith(folded) else FORM_NO_TRUNK_PREFIX


def email_key(raw: str) -> Key:
    """The address as the function's ``normalize = "email"`` keys it, after folding full-width characters."""
    text = raw.strip()
    folded = unicodedata.normalize("NFKC", text).strip()
    key = normalize_email(folded)
    local, _, domain = (key or "").rpartition("@")
    if key is None or not local or not domain or "@" in local or re.search(r"\s", key):
        raise NotAKey("not an email address")
    form = FORM_EMAIL
    if text != folded:
        form = FORM_EMAIL_FULL_WIDTH
    elif key != text:
        form = FORM_EMAIL_CAPITALS
    return Key(key, form)
