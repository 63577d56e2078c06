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
