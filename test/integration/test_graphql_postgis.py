"""PostGIS geometry and geography columns and arguments as GeoJSON, through
the real HTTP worker, on a cluster with the PostGIS extension. PostGraphile 5
has no PostGIS support, so the expectations here are pg_gateway's own: values
are RFC 7946 GeoJSON objects (ST_AsGeoJSON), arguments are GeoJSON parsed by
ST_GeomFromGeoJSON, and the type is the scalar GeoJSON."""

import json
import unittest

from harness import ClusterTestCase
from test_graphql_http import GraphqlClient

SETUP_SQL = r"""
CREATE EXTENSION postgis;
CREATE ROLE geo_web NOLOGIN;
CREATE SCHEMA geo;
GRANT USAGE ON SCHEMA geo TO geo_web;
CREATE TABLE geo.places (
  id       int PRIMARY KEY,
  name     text NOT NULL,
  location geometry(Point, 4326),
  area     geography(Polygon, 4326),
  route    geometry(LineString, 3857),
  stops    geometry[]
);
CREATE INDEX ON geo.places USING gist (location);
INSERT INTO geo.places VALUES
  (1, 'harbour', 'SRID=4326;POINT(4.5 51.9)',
   'SRID=4326;POLYGON((4 51,5 51,5 52,4 52,4 51))', 'SRID=3857;LINESTRING(0 0,10 10)',
   ARRAY['SRID=4326;POINT(1 2)'::geometry, 'SRID=4326;POINT(3 4)'::geometry]),
  (2, 'nowhere', NULL, NULL, NULL, NULL);
GRANT SELECT ON geo.places TO geo_web;
CREATE DOMAIN geo.position AS geometry(Point, 4326);
-- Places within `meters` of a point, nearest first.
CREATE FUNCTION geo.places_near(center geometry, meters float8) RETURNS SETOF geo.places
  LANGUAGE sql STABLE
  AS $$ SELECT * FROM geo.places
         WHERE ST_DWithin(location::geography, center::geography, meters)
         ORDER BY location <-> center $$;
CREATE FUNCTION geo.distance_to(p geo.places, target geo.position) RETURNS float8
  LANGUAGE sql STABLE
  AS $$ SELECT round(ST_Distance(p.location::geography, target::geography)) $$;
CREATE FUNCTION geo.echo_area(a geography) RETURNS geography LANGUAGE sql IMMUTABLE
  AS 'SELECT a';
"""


class GraphqlPostgis(GraphqlClient, ClusterTestCase):
    settings = {"pg_gateway.http_workers": "1",
                "pg_gateway.schemas": "'geo'",
                "pg_gateway.anonymous_role": "'geo_web'"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cluster.sql(SETUP_SQL)

    def test_columns_are_geojson(self):
        data = self.data("{ allPlaces(orderBy: ROW_ID_ASC) { nodes { name location area route "
                         "stops } } }")
        harbour, nowhere = data["allPlaces"]["nodes"]
        self.assertEqual(harbour["location"], {"type": "Point", "coordinates": [4.5, 51.9]})
        self.assertEqual(harbour["area"], {"type": "Polygon", "coordinates": [
            [[4, 51], [5, 51], [5, 52], [4, 52], [4, 51]]]})
        # Not WGS 84: the object says which reference system it is in.
        self.assertEqual(harbour["route"], {
            "type": "LineString", "crs": {"type": "name", "properties": {"name": "EPSG:3857"}},
            "coordinates": [[0, 0], [10, 10]]})
        self.assertEqual(harbour["stops"], [{"type": "Point", "coordinates": [1, 2]},
                                            {"type": "Point", "coordinates": [3, 4]}])
        self.assertEqual(nowhere, {"name": "nowhere", "location": None, "area": None,
                                   "route": None, "stops": None})

    def test_the_type_is_the_geojson_scalar(self):
        data = self.data('{ __type(name: "Place") { fields { name type { name kind ofType '
                         '{ name } } } } geo: __type(name: "GeoJSON") { kind description } }')
        fields = {f["name"]: f["type"] for f in data["__type"]["fields"]}
        self.assertEqual(fields["location"], {"name": "GeoJSON", "kind": "SCALAR", "ofType": None})
        self.assertEqual(fields["stops"]["kind"], "LIST")
        self.assertEqual(fields["stops"]["ofType"], {"name": "GeoJSON"})
        self.assertEqual(data["geo"]["kind"], "SCALAR")
        self.assertIn("RFC 7946", " ".join(data["geo"]["description"].split()))
        # Not offered for conditions or ordering (no btree order, GiST or not).
        r = self.gql("{ allPlaces(condition: {location: null}) { totalCount } }")
        self.assertEqual(r.status, 400, r.body)
        self.assertIn('Field "location" is not defined by type "PlaceCondition".',
                      r.json()["errors"][0]["message"])

    def test_arguments_take_geojson(self):
        query = ("query ($c: GeoJSON!, $m: Float!) { placesNear(center: $c, meters: $m) { nodes "
                 "{ name distanceTo(target: {type: \"Point\", coordinates: [4.5, 52.0]}) } } }")
        near = {"type": "Point", "coordinates": [4.51, 51.9]}
        # 0.1 degree of latitude at 52 N on the WGS 84 spheroid (PostGIS: 11127 m).
        self.assertEqual(self.data(query, {"c": near, "m": 2000}),
                         {"placesNear": {"nodes": [{"name": "harbour", "distanceTo": 11127}]}})
        self.assertEqual(self.data(query, {"c": near, "m": 10}), {"placesNear": {"nodes": []}})
        # A geography argument gives back the same shape.
        square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}
        self.assertEqual(self.data("query ($a: GeoJSON) { echoArea(a: $a) }", {"a": square}),
                         {"echoArea": square})
        self.assertEqual(self.data("{ echoArea(a: null) }"), {"echoArea": None})

    def test_bad_geojson(self):
        # Not an object with a type: a variable error before any SQL runs.
        r = self.gql("query ($a: GeoJSON) { echoArea(a: $a) }", {"a": [1, 2]})
        self.assertEqual(r.status, 400, r.body)
        err = r.json()["errors"][0]
        self.assertIn('Variable "$a" got invalid value [1, 2]; GeoJSON cannot represent',
                      err["message"])
        self.assertNotIn("data", r.json())
        r = self.gql('{ echoArea(a: "POINT(1 2)") }')
        self.assertIn("GeoJSON cannot represent", r.json()["errors"][0]["message"])
        # Well-formed but not geometry: PostGIS says what is wrong, as a field error.
        r = self.gql('{ echoArea(a: {type: "Point", coordinates: "here"}) }')
        self.assertEqual(r.status, 200, r.body)
        doc = r.json()
        self.assertEqual(doc["data"], {"echoArea": None})
        self.assertEqual(doc["errors"][0]["path"], ["echoArea"])
        self.assertTrue(doc["errors"][0]["extensions"]["code"].startswith("XX"), doc)
        # Hostile text stays a parameter value.
        r = self.gql("query ($a: GeoJSON) { echoArea(a: $a) }",
                     {"a": {"type": "Point'); DROP TABLE geo.places; --", "coordinates": [1, 2]}})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(self.cluster.sql("SELECT count(*) FROM geo.places"), "2")


if __name__ == "__main__":
    unittest.main()
