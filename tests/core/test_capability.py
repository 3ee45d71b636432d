"""The capability registry: one name, one migration number and one word key each, or a clear refusal."""

import pytest

from portal.core.capability import Capability, CapabilityError, Migration, Registry


def test_a_migration_number_two_capabilities_claim_is_refused_with_both_names():
    registry = Registry()
    registry.register(Capability("first", migrations=(Migration(900, "a", "SELECT 1"),)))
    with pytest.raises(CapabilityError, match="migration 900 of 'second' is already 'first'"):
        registry.register(Capability("second", migrations=(Migration(900, "b", "SELECT 1"),)))


def test_a_word_key_that_is_taken_is_refused():
    registry = Registry()
    with pytest.raises(ValueError, match="nav.home"):
        registry.register(Capability("impostor", words={"nav.home": ("Дом", "Home")}))


def test_words_need_both_languages():
    with pytest.raises(ValueError, match="needs a text in each of ru, en"):
        Registry().register(Capability("half", words={"half.only": ("Только русский", "")}))


def test_registering_twice_is_harmless_and_names_are_unique():
    registry = Registry()
    one = Capability("one")
    registry.register(one)
    registry.register(one)
    assert list(registry) == [one]
    with pytest.raises(CapabilityError, match="two capabilities are called 'one'"):
        registry.register(Capability("one"))


def test_an_empty_registry_says_what_to_import():
    with pytest.raises(CapabilityError, match="import portal.capabilities"):
        Registry().migrations()
