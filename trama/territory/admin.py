from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from trama.territory.geo import geometry_problems
from trama.territory.models import Area, Place
from trama.territory.services import area_set_geometry


class AreaForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Area
        fields = [
            "kind", "code", "name", "parent", "geometry", "residents", "minors", "foreign_residents", "households",
            "population_year", "demographics", "source",
        ]

    def clean_geometry(self) -> object:
        geometry = self.cleaned_data.get("geometry")
        if geometry is not None:
            problems = geometry_problems(geometry)
            if problems:
                raise forms.ValidationError(problems)
        return geometry


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = AreaForm
    list_display = ("code", "name", "kind", "parent", "residents", "minors", "area_km2")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    raw_id_fields = ("parent",)
    readonly_fields = ("centroid_lat", "centroid_lon", "bbox_min_lon", "bbox_min_lat", "bbox_max_lon",
                       "bbox_max_lat", "area_km2", "updated_at")

    def save_model(self, request: HttpRequest, obj: Area, form: Any, change: bool) -> None:
        # Keep centroid, bbox, surface and the map geometry in step with an edited boundary.
        area_set_geometry(obj, obj.geometry)
        super().save_model(request, obj, form, change)


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "kind", "municipio", "nil", "normalised_address", "source")
    list_filter = ("kind", "source", "municipio")
    search_fields = ("name", "address", "normalised_address", "external_id")
    list_select_related = ("municipio", "nil")
    raw_id_fields = ("municipio", "nil")
    readonly_fields = ("updated_at",)
