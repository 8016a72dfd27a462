/**
 * libphonenumber-js with its "max" metadata for the page, registered before the engine first needs it. The browser entry
 * brings "min" (no number types), which would make the page disagree with `dialplan` on any plan that classifies by
 * number type (`when: { numberType: mobile }`, as rules/gb.yaml and rules/de.yaml do) and could not run `init`. An
 * authoring page must give the command line's answers; it costs about 20 KB gzipped (scripts/build-playground.mjs
 * resolves the browser entry's "min" import to "max", so the page holds one copy).
 */
import { Metadata } from 'libphonenumber-js/core';
import examples from 'libphonenumber-js/examples.mobile.json';
import { getCountries, getCountryCallingCode, getExampleNumber, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import json from 'libphonenumber-js/metadata.max.json';
import type { PhoneLibrary } from '../browser.js';
import { setPhoneLibraryProvider, setPhoneMetadataProvider } from '../browser.js';

/** Registers the "max" library and metadata (the engine calls the providers on first use). */
export function registerMaxMetadata(): void {
  const phone = { parsePhoneNumberFromString, getCountries, getCountryCallingCode, getExampleNumber, isSupportedCountry };
  // libphonenumber-js types its arguments as region unions; the engine passes strings it checked (as the browser entry does).
  setPhoneLibraryProvider(() => phone as unknown as PhoneLibrary);
  setPhoneMetadataProvider(() => ({ Metadata, json, examples }));
}
