<?php
/*
 * Plugin Name: herald announcements
 * Description: Tells herald the moment a post is published, so that it goes out to the social accounts within seconds instead of at the next poll of the feed.
 *
 * Install: copy this file to wp-content/mu-plugins/ and add to wp-config.php
 *
 *     define( 'HERALD_URL', 'https://herald.example.org' );  // HERALD_PUBLIC_URL
 *     define( 'HERALD_TOKEN', '…' );  // an editor token from HERALD_EDITOR_TOKENS,
 *                                     // e.g. HERALD_EDITOR_TOKENS=wordpress:<token>
 *
 * herald answers 202 with the posts it queued, or 200 {"status":"known"}
 * when it has the article already, so a second announcement does no harm;
 * the feed's copy of the article is not posted again.
 */

add_action( 'transition_post_status', function ( $new_status, $old_status, $post ) {
	// A first publication only (scheduled posts too): not an update, not a page.
	if ( 'publish' !== $new_status || 'publish' === $old_status || 'post' !== $post->post_type ) {
		return;
	}
	if ( ! defined( 'HERALD_URL' ) || ! defined( 'HERALD_TOKEN' ) ) {
		return;
	}
	wp_remote_post( rtrim( HERALD_URL, '/' ) . '/api/v1/articles', array(
		'headers'  => array(
			'Authorization' => 'Bearer ' . HERALD_TOKEN,
			'Content-Type'  => 'application/json',
		),
		'body'     => wp_json_encode( array(
			'url'        => get_permalink( $post ),
			// Categories and tags, as the feed lists them: they route the
			// article to the accounts that take them.
			'categories' => array_values( array_unique( array_merge(
				wp_get_post_categories( $post->ID, array( 'fields' => 'names' ) ),
				wp_get_post_tags( $post->ID, array( 'fields' => 'names' ) )
			) ) ),
		) ),
		'timeout'  => 5,
		// Do not make the editor wait: the feed is the safety net.
		'blocking' => false,
	) );
}, 10, 3 );
