from django import forms


class WorksPageForm(forms.Form):
    page = forms.IntegerField(min_value=1, max_value=100_000, required=False)

    def clean_page(self) -> int:
        return self.cleaned_data["page"] or 1
