"""QuickSelect writes the same markup as Django's Select (trama/core/widgets.py)."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.utils.translation import gettext_lazy

from trama.core.widgets import QuickSelect

CHOICES = [("", gettext_lazy("Tutti i NIL")), ("1", "Quarto Oggiaro & <Vialba>"), ("2", 'Villapizzone "Nord"'),
           (3, "Gallaratese"), ("2", "duplicate value")]


def _form(widget: type[forms.Select]) -> type[forms.Form]:
    class Form(forms.Form):
        nil = forms.ChoiceField(choices=CHOICES, required=False, widget=widget(attrs={"data-x": "y"}))
        need = forms.ChoiceField(choices=CHOICES[1:], widget=widget)

    return Form


def _tight(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize("data", [{}, {"nil": "2"}, {"nil": "3", "need": "1"}, {"nil": "nope"}, {"nil": ""}])
def test_it_writes_what_djangos_select_writes(data: dict[str, str]) -> None:
    django_form, quick_form = _form(forms.Select)(data or None), _form(QuickSelect)(data or None)
    for name in ("nil", "need"):
        attrs: dict[str, str | bool] = {"class": "form-select is-invalid", "aria-invalid": "true"}
        assert _tight(quick_form[name].as_widget(attrs=attrs)) == _tight(django_form[name].as_widget(attrs=attrs))
        assert _tight(str(quick_form[name])) == _tight(str(django_form[name]))
    html = str(_form(QuickSelect)({"nil": "2"})["nil"])
    assert "Quarto Oggiaro &amp; &lt;Vialba&gt;" in html and "Villapizzone &quot;Nord&quot;" in html
    assert html.count("selected") == 1


def test_grouped_choices_are_left_to_django() -> None:
    grouped = [("Municipi", [("1", "Municipio 1"), ("2", "Municipio 2")]), ("", "Nessuno")]
    django_field = forms.ChoiceField(choices=grouped, required=False)
    assert QuickSelect(choices=grouped).render("m", "2") == django_field.widget.render("m", "2")
