from django import forms

# Long enough for the longest real titles (some pass 300 characters), short enough
# that a pasted page of text is refused before it reaches the database.
SEARCH_MAX_LENGTH = 500


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search researchers and works",
        max_length=SEARCH_MAX_LENGTH,
        required=False,
        strip=True,
        widget=forms.SearchInput(attrs={"placeholder": "Search researchers and works"}),
    )


class PageForm(forms.Form):
    """The `page` parameter of a paginated list: absent means the first page."""

    page = forms.IntegerField(min_value=1, max_value=100_000, required=False)

    def clean_page(self) -> int:
        return self.cleaned_data["page"] or 1
