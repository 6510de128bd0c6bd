'use strict';
// Dynamic Link fields: the admin's select2 autocomplete, searching the DocType named by the field's
// DocType field (its "options"), read from the same form or child row each time the list opens.
{
    const $ = django.jQuery;

    function targetDoctype(element) {
        const source = element.name.replace(/[^-]*$/, element.dataset.doctypeField);
        const field = element.form && element.form.elements.namedItem(source);
        return field ? field.value : '';
    }

    function init(element) {
        $(element).select2({
            ajax: {
                url: () => element.dataset.searchUrl.replace('__doctype__', encodeURIComponent(targetDoctype(element))),
                data: (params) => ({term: params.term, page: params.page}),
                delay: 250,
                cache: false,
            },
        });
    }

    $(function() {
        $('.frappe-dynamic-link').not('[name*=__prefix__]').each((i, element) => init(element));
    });

    document.addEventListener('formset:added', (event) => {
        $(event.target).find('.frappe-dynamic-link').each((i, element) => init(element));
    });
}
